"""The limitations box: what in the study's own data limits its results, stated from the data.

Attrition round by round, the fewest ratings behind any consensus call, stakeholder groups too
small to be reported, reworded items (whose stability cannot be compared), rounds closed
before their deadline and rounds below the study's minimum response, with the reason the team
gave for closing them. Counts only: every statistic is read from the frozen round summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from delphi.consensus.stability import REWORDED
from delphi.formatting import percent
from delphi.rounds.nonresponse import minimum_words, reaches

if TYPE_CHECKING:
    from delphi.reports.data import StudyReport


@dataclass(frozen=True)
class Limitation:
    topic: str
    text: str


def limitations(report: StudyReport) -> list[Limitation]:
    return [
        limitation
        for limitation in (
            _attrition(report),
            _fewest_ratings(report),
            _small_groups(report),
            _reworded(report),
            _closed_early(report),
            _below_minimum(report),
        )
        if limitation is not None
    ]


def _attrition(report: StudyReport) -> Limitation | None:
    parts = []
    for r in report.rounds:
        if r.number not in report.reported_rounds:
            continue
        p = r.participation
        words = f"round {r.number}: {p.responded} of {p.invited} invited responded"
        if p.rate is not None:
            words += f" ({percent(p.rate)})"
        if p.lost is not None:
            words += f", {p.lost} of the {p.responded_previous} who responded to round "
            words += f"{r.number - 1} did not respond"
        parts.append(words)
    if not parts:
        return None
    return Limitation("Attrition", "; ".join(parts) + ".")


def _fewest_ratings(report: StudyReport) -> Limitation | None:
    calls = [row for row in report.item_rows if row.status in ("in", "out")]
    if not calls:
        return Limitation("Ratings behind consensus", "No item reached consensus.")
    fewest = min(int(row.summary.get("n") or 0) for row in calls)
    items = [f"{row.code} (round {row.round})" for row in calls if row.summary.get("n") == fewest]
    return Limitation(
        "Ratings behind consensus",
        f"The smallest number of ratings behind a consensus call was {fewest}: "
        + ", ".join(items)
        + f". The study needed at least {report.settings.get('min_ratings')} for any consensus.",
    )


def _small_groups(report: StudyReport) -> Limitation | None:
    threshold = report.study.min_group_size
    parts = []
    for r in report.rounds:
        if r.number not in report.reported_rounds:
            continue
        p = r.participation
        small = [g for g in p.invited_by_group if p.responded_by_group.get(g, 0) < threshold]
        if small:
            parts.append(f"round {r.number}: {', '.join(small)}")
    if not parts:
        return Limitation(
            "Small groups",
            f"Every stakeholder group had at least {threshold} panellists responding to each "
            "reported round.",
        )
    return Limitation(
        "Small groups",
        f"Groups with fewer than {threshold} panellists responding were not reported "
        "separately: " + "; ".join(parts) + ".",
    )


def _reworded(report: StudyReport) -> Limitation | None:
    rows = [
        row
        for row in report.item_rows
        if row.stability and row.stability.get("comparison") == REWORDED
    ]
    if not rows:
        return None
    codes = ", ".join(f"{row.code} (round {row.round})" for row in rows)
    return Limitation(
        "Reworded items",
        f"{len(rows)} {'item was' if len(rows) == 1 else 'items were'} rated in a new wording, "
        f"so {'its' if len(rows) == 1 else 'their'} stability between rounds is not comparable: "
        f"{codes}.",
    )


def _closed_early(report: StudyReport) -> Limitation | None:
    early = [
        r
        for r in report.rounds
        if r.closed_at is not None and r.closes_at is not None and r.closed_at < r.closes_at
    ]
    if not early:
        return None
    reasons = _close_reasons(report)
    return Limitation(
        "Rounds closed early",
        "Closed before the deadline: "
        + "; ".join(
            f"round {r.number} on {r.closed_at:%Y-%m-%d %H:%M} UTC (deadline "
            f"{r.closes_at:%Y-%m-%d %H:%M} UTC{reasons.get(r.number, '')})"
            for r in early
            if r.closed_at is not None and r.closes_at is not None
        )
        + ".",
    )


def _close_reasons(report: StudyReport) -> dict[int, str]:
    """The reason the team recorded for closing each round early or below the minimum."""
    return {
        flow.round: f"; reason given: “{flow.close_reason}”"
        for flow in report.participant_flow
        if flow.close_reason
    }


def _below_minimum(report: StudyReport) -> Limitation | None:
    """Reported rounds whose submitted responses fell short of the study's minimum response,
    overall or in a stakeholder group."""
    study = report.study
    unit, reasons = study.min_response_unit, _close_reasons(report)
    parts = []
    for r in report.rounds:
        if r.number not in report.reported_rounds:
            continue
        p, words = r.participation, []
        if not reaches(study.min_response, unit, p.responded, p.invited):
            assert study.min_response is not None  # reaches() holds without a minimum
            words.append(
                f"{p.responded} of {p.invited} responded, below the minimum of "
                f"{minimum_words(study, study.min_response)}"
            )
        if study.min_group_response is not None:
            low = [
                group
                for group, invited in p.invited_by_group.items()
                if not reaches(
                    study.min_group_response, unit, p.responded_by_group.get(group, 0), invited
                )
            ]
            if low:
                words.append(
                    f"below the minimum of {minimum_words(study, study.min_group_response)} "
                    f"in {', '.join(low)}"
                )
        if words:
            parts.append(f"round {r.number}: " + "; ".join(words) + reasons.get(r.number, ""))
    if not parts:
        return None
    return Limitation("Below the minimum response", "; ".join(parts) + ".")


__all__ = ["Limitation", "limitations"]
