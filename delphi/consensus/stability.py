"""Stability between rounds: how far panellists who rated an item in both rounds moved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from delphi.consensus.distribution import validated
from delphi.consensus.settings import ConsensusError, ConsensusSettings

# scipy's wilcoxon (method="auto") enumerates all 2**n sign flips when the differences have
# ties or zeros and n <= 13, which takes about a second per item; _exhaustive_p gives the same
# p-value from the distribution of the rank sum.
EXHAUSTIVE_UP_TO = 13


@dataclass(frozen=True)
class ItemStability:
    """One item's change between two rounds, over the panellists who rated it on the scale in
    both."""

    n_paired: int
    pct_changed: float | None  # percent who gave a different rating; None when n_paired == 0
    mean_abs_change: float | None
    pct_region_changed: float | None  # percent who moved to another region (low, middle, high)
    wilcoxon_p: float | None  # two-sided signed-rank p; None where the test is not defined
    stable: bool | None  # pct_changed < stability_max

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ItemStability:
        names = {f.name for f in fields(cls)}
        if set(values) != names:
            raise ConsensusError(
                f"item stability needs exactly {sorted(names)}, not {sorted(values)}"
            )
        return cls(**values)


def stability(
    previous: object, current: object, settings: ConsensusSettings
) -> list[ItemStability]:
    """Stability of each item (column) between two aligned panellists × items matrices."""
    before = validated(previous, settings, "previous")
    after = validated(current, settings, "current")
    if before.shape != after.shape:
        raise ConsensusError(
            f"previous {before.shape} and current {after.shape} ratings must "
            "have the same shape (same panellists, same items, aligned)"
        )
    paired = (before >= settings.scale_min) & (after >= settings.scale_min)
    n = paired.sum(axis=0)
    change = np.where(paired, after - before, 0)
    changed = np.count_nonzero(change, axis=0)
    moved = (paired & (_region(before, settings) != _region(after, settings))).sum(axis=0)
    per_n = np.maximum(n, 1)
    stable = 100 * changed < settings.stability_max * n
    p_values: list[float | None] = [None] * before.shape[1]
    for column in np.flatnonzero((n >= 2) & (changed > 0)).tolist():
        rows = paired[:, column]
        p_values[column] = wilcoxon_p(before[rows, column], after[rows, column])

    def plain(values: np.ndarray) -> list:
        return [v if d else None for v, d in zip(values.tolist(), (n > 0).tolist(), strict=True)]

    return [
        ItemStability(*values)
        for values in zip(
            n.tolist(),
            plain(100 * changed / per_n),
            plain(np.abs(change).sum(axis=0) / per_n),
            plain(100 * moved / per_n),
            p_values,
            plain(stable),
            strict=True,
        )
    ]


def _region(matrix: np.ndarray, settings: ConsensusSettings) -> np.ndarray:
    """0 low, 1 middle, 2 high (meaningless where the cell is not a rating)."""
    return (matrix > settings.low_region[1]).astype(np.int8) + (matrix >= settings.high_region[0])


def wilcoxon_p(before: np.ndarray, after: np.ndarray) -> float:
    """scipy.stats.wilcoxon(before, after).pvalue (two-sided, defaults), for at least one change."""
    from scipy import stats  # imported on first use: it costs a second at every start-up

    difference = before - after
    nonzero = difference[difference != 0]
    tied = np.unique(np.abs(nonzero)).size < nonzero.size
    if (tied or nonzero.size < difference.size) and difference.size <= EXHAUSTIVE_UP_TO:
        return _exhaustive_p(nonzero)
    return float(stats.wilcoxon(before, after).pvalue)


def _exhaustive_p(nonzero: np.ndarray) -> float:
    """Two-sided p of the rank sum of the positive differences over all 2**m sign flips.

    Average ranks are halves, so twice the rank sum is an integer whose null distribution is
    counted exactly, one difference at a time (flipping a zero difference changes nothing).
    """
    from scipy import stats

    twice_ranks = np.rint(2 * stats.rankdata(np.abs(nonzero))).astype(np.int64)
    observed = int(twice_ranks[nonzero > 0].sum())
    ways = np.zeros(int(twice_ranks.sum()) + 1, dtype=np.int64)
    ways[0] = 1
    for rank in twice_ranks.tolist():
        ways[rank:] = ways[rank:] + ways[:-rank]
    flips = 2**nonzero.size
    at_most, at_least = int(ways[: observed + 1].sum()), int(ways[observed:].sum())
    return min(1.0, min(at_most / flips, at_least / flips) * 2)
