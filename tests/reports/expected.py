"""Independent calculations of the numbers a report must show, from the submitted ratings.

Uses numpy.percentile with the named method and statistics.median, never the consensus engine.
"""
from __future__ import annotations

import statistics

import numpy as np

LOW, HIGH = (1, 3), (7, 9)  # the 1-9 scale's conventional regions (GRADE/COMET)


def on_scale(values: list) -> list[int]:
    return [v for v in values if isinstance(v, int)]


def expected(values: list, method: str = "linear") -> dict:
    """n, unable, counts, median, quartiles and region percentages of one item's ratings."""
    rated = on_scale(values)
    n = len(rated)
    q1, q3 = (float(np.percentile(rated, q, method=method)) for q in (25, 75))
    low = sum(1 for v in rated if LOW[0] <= v <= LOW[1])
    high = sum(1 for v in rated if HIGH[0] <= v <= HIGH[1])
    return {
        "n": n,
        "n_unable": sum(1 for v in values if v == "U"),
        "counts": {k: rated.count(k) for k in range(1, 10)},
        "median": float(statistics.median(rated)),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "mean": statistics.mean(rated),
        "sd": statistics.stdev(rated),
        "pct_low": 100 * low / n,
        "pct_high": 100 * high / n,
        "pct_mid": 100 * (n - low - high) / n,
    }


def of_group(values: list, groups: list[str], group: str) -> list:
    return [v for v, g in zip(values, groups) if g == group]
