"""Stability between rounds: how far panellists who rated an item in both rounds moved.

Two measures are computed for every item; the study's ``stability_measure`` chooses which one
decides that the item is stable:

- per panellist: the percentage of panellists who gave a different rating (stable below
  ``stability_max``%);
- net change (Scheibe, Skutsch & Schofer, "Experiments in Delphi methodology", in Linstone &
  Turoff (eds.), The Delphi Method: Techniques and Applications, 1975, ch. IV.C): the "units of
  change" are the absolute differences between the two rounds' frequencies at each scale point,
  summed; half of them are the net person-changes, given as a percentage of the panellists, that
  is half the sum of the absolute differences of the percentages per point. Scheibe et al.
  called a distribution changing by 15% or less stable; here it is stable below
  ``net_change_max``%, as the per-panellist measure is below its threshold.

Both are over the same panellists: those who rated the item on the scale in both rounds. The
caller compares only items whose wording did not change; a reworded item is a different
question, and ``not_comparable`` records why it has no measures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from delphi.consensus.distribution import validated
from delphi.consensus.settings import ConsensusError, ConsensusSettings

REWORDED = "not comparable (reworded)"
SAME_WORDING = "same wording"

# The p-value's method, in the words of a methods section (the keys are WILCOXON_METHODS).
WILCOXON_WORDS = {
    "exact_small_panels": (
        "the exact null distribution of the signed-rank statistic for up to 50 pairs without "
        "ties or zero differences, all sign flips for up to 13 pairs with ties or zero "
        "differences, and otherwise the normal approximation (zero differences dropped, "
        "tie-corrected variance, no continuity correction), as scipy.stats.wilcoxon computes it "
        "by default"
    ),
    "asymptotic": (
        "the normal approximation for every panel size, with zero differences dropped, "
        "average ranks for ties and the tie-corrected variance, without continuity correction, "
        "as SPSS (NPAR TESTS /WILCOXON) computes it"
    ),
}

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
    net_change: float | None  # percent: half the sum of |change| of each point's percentage
    wilcoxon_p: float | None  # two-sided signed-rank p; None where the test is not defined
    stable: bool | None  # the chosen measure below its threshold
    comparison: str = SAME_WORDING  # or REWORDED: then every measure is None
    measure: str = "panellists"  # the stability_measure that decided ``stable``

    @classmethod
    def not_comparable(cls, why: str = REWORDED) -> ItemStability:
        """An item whose wording changed between the rounds: no measure compares the two."""
        return cls(0, None, None, None, None, None, None, why)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ItemStability:
        names = {f.name for f in fields(cls)}
        # Records frozen before the net change and the comparison were measured lack them.
        values = {
            "net_change": None,
            "comparison": SAME_WORDING,
            "measure": "panellists",
            **values,
        }
        if set(values) != names:
            raise ConsensusError(
                f"item stability needs exactly {sorted(names)}, not {sorted(values)}"
            )
        return cls(**values)


def stability(
    previous: object, current: object, settings: ConsensusSettings
) -> list[ItemStability]:
    """Stability of each item (column) between two aligned panellists × items matrices.

    The caller gives only items whose wording is the same in both rounds.
    """
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
    units = _units_of_change(before, after, paired, settings)  # twice the net person-changes
    if settings.stability_measure == "net_change":
        stable = 100 * units < 2 * settings.net_change_max * n
    else:
        stable = 100 * changed < settings.stability_max * n
    p_values: list[float | None] = [None] * before.shape[1]
    for column in np.flatnonzero((n >= 2) & (changed > 0)).tolist():
        rows = paired[:, column]
        p_values[column] = wilcoxon_p(before[rows, column], after[rows, column], settings.wilcoxon)

    def plain(values: np.ndarray) -> list:
        return [v if d else None for v, d in zip(values.tolist(), (n > 0).tolist(), strict=True)]

    return [
        ItemStability(*values)
        for values in zip(
            n.tolist(),
            plain(100 * changed / per_n),
            plain(np.abs(change).sum(axis=0) / per_n),
            plain(100 * moved / per_n),
            plain(50 * units / per_n),
            p_values,
            plain(stable),
            [SAME_WORDING] * before.shape[1],
            [settings.stability_measure] * before.shape[1],
            strict=True,
        )
    ]


def _units_of_change(
    before: np.ndarray, after: np.ndarray, paired: np.ndarray, settings: ConsensusSettings
) -> np.ndarray:
    """Each item's sum over scale points of |count after - count before| (paired panellists)."""
    items = before.shape[1]
    size = settings.scale_max - settings.scale_min + 1
    offset = np.arange(items) * size

    def counts(matrix: np.ndarray) -> np.ndarray:
        cell = (matrix - settings.scale_min + offset)[paired]
        return np.bincount(cell, minlength=items * size).reshape(items, size)

    return np.abs(counts(after) - counts(before)).sum(axis=1)


def _region(matrix: np.ndarray, settings: ConsensusSettings) -> np.ndarray:
    """0 low, 1 middle, 2 high (meaningless where the cell is not a rating)."""
    return (matrix > settings.low_region[1]).astype(np.int8) + (matrix >= settings.high_region[0])


def wilcoxon_p(before: np.ndarray, after: np.ndarray, method: str = "exact_small_panels") -> float:
    """The two-sided Wilcoxon signed-rank p of paired ratings with at least one change.

    ``exact_small_panels`` is scipy.stats.wilcoxon(before, after).pvalue with its defaults
    (WILCOXON_WORDS says what they are). ``asymptotic`` is the normal approximation at every n,
    as SPSS computes it (IBM SPSS Statistics, NPAR TESTS command, WILCOXON subcommand: "the
    absolute differences are ranked, the positive and negative ranks are summed, and the test
    statistic Z is computed from the positive and negative rank sums"; IBM SPSS Statistics
    Algorithms, "Wilcoxon Matched-Pairs Signed-Rank Test"): pairs with a zero difference are
    dropped, leaving n; tied absolute differences take their average rank; with S the smaller
    of the positive and negative rank sums and t the size of each group of ties,
    Z = (S - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 - sum(t^3 - t)/48), and p = 2 Phi(Z), with no
    continuity correction; scipy's method="asymptotic" (zero_method="wilcox",
    correction=False) gives the same p.
    """
    from scipy import stats  # imported on first use: it costs a second at every start-up

    if method == "asymptotic":
        return _asymptotic_p(before - after)
    difference = before - after
    nonzero = difference[difference != 0]
    tied = np.unique(np.abs(nonzero)).size < nonzero.size
    if (tied or nonzero.size < difference.size) and difference.size <= EXHAUSTIVE_UP_TO:
        return _exhaustive_p(nonzero)
    return float(stats.wilcoxon(before, after).pvalue)


def _asymptotic_p(difference: np.ndarray) -> float:
    """SPSS's two-sided normal-approximation p of the differences (see wilcoxon_p)."""
    from scipy import stats

    nonzero = difference[difference != 0]
    n = nonzero.size
    plus = float(stats.rankdata(np.abs(nonzero))[nonzero > 0].sum())
    smaller = min(plus, n * (n + 1) / 2 - plus)
    ties = np.unique(np.abs(nonzero), return_counts=True)[1].astype(np.float64)
    variance = n * (n + 1) * (2 * n + 1) / 24 - float((ties**3 - ties).sum()) / 48
    z = (smaller - n * (n + 1) / 4) / math.sqrt(variance)
    return min(1.0, 2 * float(stats.norm.cdf(z)))


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
