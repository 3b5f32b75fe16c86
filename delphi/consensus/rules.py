"""The consensus rules, applied to every item at once with exact integer comparisons.

A share of k ratings out of n meets p% when 100·k >= p·n; it is "fewer than" q% when 100·k < q·n
and "at most" q% when 100·k <= q·n. No percentage is ever compared as a float. n is the
distribution's ``base``: the ratings on the scale, plus the "unable to rate" answers when the
study counts them as not agreeing (they then join no region).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from delphi.consensus.distribution import Distribution
from delphi.consensus.settings import ConsensusSettings


@dataclass(frozen=True)
class Verdict:
    """Each item's status ("in", "out", "none") and the conditions behind it, as arrays."""

    status: np.ndarray
    enough: np.ndarray  # at least min_ratings ratings
    high_met: np.ndarray  # comet: agreement% in high; percent: percent% in high
    low_met: np.ndarray
    few_high: np.ndarray  # comet: the high region is within opposite_max%
    few_low: np.ndarray
    iqr_narrow: np.ndarray  # IQR <= the iqr rule's threshold
    median_high: np.ndarray  # the median lies in the high region
    median_low: np.ndarray
    disagreement: np.ndarray | None  # RAND/UCLA: IPR > IPRAS (1-9 scale only)


def rand_disagreement(dist: Distribution) -> np.ndarray:
    """IPR > IPRAS, exactly: with P30, P70 in tenths, 40·IPR = 4(t70 - t30) and
    40·IPRAS = 40(2.35 + 1.5·|5 - (t30 + t70)/20|) = 94 + 3·|100 - (t30 + t70)|."""
    spread = 4 * (dist.p70_by_10 - dist.p30_by_10)
    allowed = 94 + 3 * np.abs(100 - (dist.p30_by_10 + dist.p70_by_10))
    return spread > allowed


def _within(k: np.ndarray, n: np.ndarray, percent: int, inclusive: bool) -> np.ndarray:
    return 100 * k <= percent * n if inclusive else 100 * k < percent * n


def verdict(dist: Distribution, settings: ConsensusSettings) -> Verdict:
    """Apply the study's rule to every item of the distribution."""
    n = dist.base
    needed = settings.percent if settings.rule == "percent" else settings.agreement
    high_met = 100 * dist.k_high >= needed * n
    low_met = 100 * dist.k_low >= needed * n
    few_high = _within(dist.k_high, n, settings.opposite_max, settings.opposite_inclusive)
    few_low = _within(dist.k_low, n, settings.opposite_max, settings.opposite_inclusive)
    iqr_narrow = dist.iqr_by_4 <= 4 * settings.effective_iqr_max  # x4 is exact in binary
    median_high = dist.median_by_2 >= 2 * settings.high_region[0]
    median_low = dist.median_by_2 <= 2 * settings.low_region[1]
    disagreement = rand_disagreement(dist) if settings.is_rand_scale else None

    if settings.rule == "comet":
        is_in, is_out = high_met & few_low, low_met & few_high
    elif settings.rule == "percent":
        is_in, is_out = high_met, low_met
    elif settings.rule == "iqr":
        is_in, is_out = iqr_narrow & median_high, iqr_narrow & median_low
    else:  # rand, on the 1-9 scale (the settings refuse it elsewhere)
        assert disagreement is not None
        is_in, is_out = median_high & ~disagreement, median_low & ~disagreement

    enough = dist.n >= settings.min_ratings
    status = np.where(enough & is_in, "in", np.where(enough & is_out, "out", "none"))
    return Verdict(
        status=status,
        enough=enough,
        high_met=high_met,
        low_met=low_met,
        few_high=few_high,
        few_low=few_low,
        iqr_narrow=iqr_narrow,
        median_high=median_high,
        median_low=median_low,
        disagreement=disagreement,
    )
