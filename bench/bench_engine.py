"""Benchmark: the consensus engine against a straightforward per-item loop with ``statistics``.

200 items by 5,000 panellists, 10% "unable to rate", fixed seed. Prints both times and the
ratio (the engine should be at least 20 times faster) after checking that the two agree on
every median and quartile. ``run()`` returns the figures for ``make bench``.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # runnable as `python bench/bench_engine.py` from a checkout

from bench.timing import peak_traced_mb  # noqa: E402
from delphi.consensus import UNABLE, ConsensusSettings, summarise  # noqa: E402

ITEMS, PANELLISTS, UNABLE_SHARE, SEED = 200, 5_000, 0.10, 20240601
TARGET = 20


def ratings_matrix(settings: ConsensusSettings) -> np.ndarray:
    """Random ratings on the scale, each item leaning its own way, with 10% unable to rate."""
    rng = np.random.default_rng(SEED)
    centre = rng.uniform(settings.scale_min, settings.scale_max, size=ITEMS)
    ratings = np.rint(rng.normal(centre, 1.8, size=(PANELLISTS, ITEMS)))
    ratings = np.clip(ratings, settings.scale_min, settings.scale_max).astype(np.int16)
    ratings[rng.random((PANELLISTS, ITEMS)) < UNABLE_SHARE] = UNABLE
    return ratings


def per_item_loop(ratings: np.ndarray, settings: ConsensusSettings) -> list[dict]:
    """The same core statistics item by item, the way one would write them without arrays."""
    method = "inclusive" if settings.quantiles == "linear" else "exclusive"  # type 7 / type 6
    (_, low_to), (high_from, _) = settings.low_region, settings.high_region
    results = []
    for column in ratings.T.tolist():
        values = [v for v in column if settings.scale_min <= v <= settings.scale_max]
        n = len(values)
        quartiles = statistics.quantiles(values, n=4, method=method)
        deciles = statistics.quantiles(values, n=10, method=method)
        low = sum(1 for v in values if v <= low_to)
        high = sum(1 for v in values if v >= high_from)
        results.append({
            "n": n,
            "n_unable": sum(1 for v in column if v == UNABLE),
            "counts": {p: values.count(p) for p in settings.points},
            "median": statistics.median(values),
            "q1": quartiles[0], "q3": quartiles[2], "iqr": quartiles[2] - quartiles[0],
            "p30": deciles[2], "p70": deciles[6],
            "mean": statistics.fmean(values), "sd": statistics.stdev(values),
            "pct_low": 100 * low / n, "pct_high": 100 * high / n,
            "pct_mid": 100 * (n - low - high) / n,
        })
    return results


def _best_of(repeats: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def run() -> dict:
    """Time both, check they agree on medians and quartiles, and return the figures."""
    settings = ConsensusSettings()
    ratings = ratings_matrix(settings)
    engine_seconds, summary = _best_of(5, lambda: summarise(ratings, settings))
    loop_seconds, expected = _best_of(1, lambda: per_item_loop(ratings, settings))
    worst = max(abs(getattr(item, key) - reference[key])
                for item, reference in zip(summary.items, expected)
                for key in ("median", "q1", "q3", "p30", "p70", "mean", "sd"))
    engine_peak = peak_traced_mb(lambda: summarise(ratings, settings))
    same_counts = all(item.counts == reference["counts"] and item.n == reference["n"]
                      for item, reference in zip(summary.items, expected))
    return {
        "items": ITEMS,
        "panellists": PANELLISTS,
        "unable_share": UNABLE_SHARE,
        "engine_seconds": engine_seconds,
        "loop_seconds": loop_seconds,
        "ratio": loop_seconds / engine_seconds,
        "target_ratio": TARGET,
        "max_difference": worst,
        "agree": same_counts and worst < 1e-9,
        "engine_peak_mb": engine_peak,
    }


def main() -> int:
    figures = run()
    print(f"consensus engine: {figures['items']} items x {figures['panellists']} panellists, "
          f"{figures['unable_share']:.0%} unable to rate")
    print(f"  engine (summarise)       {figures['engine_seconds'] * 1000:9.1f} ms")
    print(f"  per-item loop (statistics) {figures['loop_seconds'] * 1000:7.1f} ms")
    print(f"  ratio {figures['ratio']:.0f}x (target at least {TARGET}x); results "
          f"{'agree' if figures['agree'] else 'DIFFER'} (largest difference "
          f"{figures['max_difference']:.1e})")
    return 0 if figures["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
