"""Each item's consensus status explained in words, as the console and the reports show it.

The explanation is kept apart from the status it explains ("78% rated 7-9 (at least 70%
needed), ..." beside "in"); the summary's ``reason`` joins the two for exports.

The decisions are taken in ``rules``; this module only words them. Percentages are shown as
whole numbers, except where rounding would land on the threshold the share was compared with
(69.6% shown as "70%" beside "at least 70% needed"): there one decimal is shown, rounded away
from the threshold, so the words never contradict the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from delphi.consensus.settings import ConsensusSettings


@dataclass(frozen=True)
class Facts:
    """What the reason of one item may cite: its counts, statistics and the rule's conditions."""

    status: str
    n: int
    base: int  # the percentages' denominator: n, or n + "unable to rate" when they count
    k_low: int
    k_high: int
    median: float | None
    iqr: float | None
    ipr: float | None
    ipras: float | None
    enough: bool
    high_met: bool
    low_met: bool
    few_high: bool
    few_low: bool
    iqr_narrow: bool
    disagreement: bool | None


def percent(k: int, n: int, threshold: int) -> str:
    """k of n as a percentage for people, never appearing to sit on the wrong side of threshold."""
    whole = (200 * k + n) // (2 * n)  # rounded half up
    if whole != threshold or 100 * k == threshold * n:
        return f"{whole}%"
    tenths = -(-1000 * k // n) if 100 * k > threshold * n else 1000 * k // n
    return f"{tenths // 10}.{tenths % 10}%"


def number(value: float) -> str:
    """A statistic as people read it: 7, 5.5, 3.25 (no trailing zeros, no float noise)."""
    return f"{value:g}"


def region(bounds: tuple[int, int]) -> str:
    low, high = bounds
    return str(low) if low == high else f"{low}-{high}"


def explain(facts: Facts, settings: ConsensusSettings) -> str:
    """Why the item has its status, e.g. "78% rated 7-9 (at least 70% needed), ..." for in."""
    if not facts.enough:
        have = (
            "no ratings" if facts.n == 0 else f"only {facts.n} rating{'' if facts.n == 1 else 's'}"
        )
        return f"{have} (at least {settings.min_ratings} needed)"
    words = {"comet": _comet, "percent": _percent, "iqr": _iqr, "rand": _rand}[settings.rule]
    return words(facts, settings)


def _comet(facts: Facts, settings: ConsensusSettings) -> str:
    low, high = region(settings.low_region), region(settings.high_region)
    need, allow = settings.agreement, settings.opposite_max
    allowed = f"{'at most' if settings.opposite_inclusive else 'fewer than'} {allow}% allowed"
    share_high = percent(facts.k_high, facts.base, need)
    share_low = percent(facts.k_low, facts.base, need)
    if facts.status == "in" or (facts.status == "none" and facts.high_met):
        link = ", " if facts.status == "in" else " but "
        return (
            f"{share_high} rated {high} (at least {need}% needed){link}"
            f"{percent(facts.k_low, facts.base, allow)} rated {low} ({allowed})"
        )
    if facts.status == "out" or facts.low_met:
        link = ", " if facts.status == "out" else " but "
        return (
            f"{share_low} rated {low} (at least {need}% needed){link}"
            f"{percent(facts.k_high, facts.base, allow)} rated {high} ({allowed})"
        )
    return (
        f"{share_high} rated {high} and {share_low} rated {low} (at least {need}% in one "
        f"region needed)"
    )


def _percent(facts: Facts, settings: ConsensusSettings) -> str:
    low, high = region(settings.low_region), region(settings.high_region)
    need = settings.percent
    share_high = percent(facts.k_high, facts.base, need)
    share_low = percent(facts.k_low, facts.base, need)
    if facts.status == "in":
        return f"{share_high} rated {high} (at least {need}% needed)"
    if facts.status == "out":
        return f"{share_low} rated {low} (at least {need}% needed)"
    return (
        f"{share_high} rated {high} and {share_low} rated {low} (at least {need}% in one "
        f"region needed)"
    )


def _iqr(facts: Facts, settings: ConsensusSettings) -> str:
    assert facts.iqr is not None and facts.median is not None  # explain() saw enough ratings
    low, high = region(settings.low_region), region(settings.high_region)
    spread = f"IQR {number(facts.iqr)} (at most {number(settings.effective_iqr_max)} allowed)"
    median = f"median {number(facts.median)}"
    if facts.status == "in":
        return f"{median} in {high} and {spread}"
    if facts.status == "out":
        return f"{median} in {low} and {spread}"
    if not facts.iqr_narrow:
        return f"{spread}, {median}"
    return f"{median} in neither {low} nor {high}, {spread}"


def _rand(facts: Facts, settings: ConsensusSettings) -> str:
    # explain() saw enough ratings, on the 1-9 scale (the settings refuse rand elsewhere)
    assert facts.median is not None and facts.ipr is not None and facts.ipras is not None
    low, high = region(settings.low_region), region(settings.high_region)
    median = f"median {number(facts.median)}"
    spread = f"IPR {number(facts.ipr)}"
    allowed = f"IPRAS {number(facts.ipras)}"
    if facts.status in ("in", "out"):
        where = high if facts.status == "in" else low
        return f"{median} in {where} without disagreement ({spread} not above {allowed})"
    if facts.disagreement:
        return f"disagreement ({spread} above {allowed}), {median}"
    return f"{median} in neither {low} nor {high} ({spread}, {allowed}, no disagreement)"


def group_failure(overall: str, failures: list[tuple[str, str, str]]) -> str:
    """Why an item whose overall status does not hold in every group has no consensus.

    ``failures`` lists (group, its status, its explanation) for each group that disagrees.
    """
    name, status, detail = failures[0]
    words = "no consensus" if status == "none" else status
    text = f"{overall} overall, but {words} in group '{name}': {detail}"
    if len(failures) > 1:
        others = ", ".join(f"'{g}'" for g, _, _ in failures[1:])
        text += f"; not {overall} in group{'s' if len(failures) > 2 else ''} {others} either"
    return text
