"""The report model: everything a report or export shows, read from frozen round summaries.

Statistics come only from ``RoundItem.summary`` (and its group and stability companions), frozen
by the consensus engine when the round closed; nothing here computes a median or a quantile. What
is counted here is bookkeeping: invitations, responses, items per decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import selectinload

from delphi.consent.characteristics import Characteristics
from delphi.consent.characteristics import load as load_characteristics
from delphi.extensions import db
from delphi.models import (
    Decision,
    Item,
    ItemOrigin,
    Round,
    RoundItem,
    RoundState,
    Study,
    utcnow,
)
from delphi.reports.checklist import ChecklistRow, checklist
from delphi.reports.flow import RoundFlowCounts, participant_flows
from delphi.reports.item_status import FinalStatus, attach_lineage, final_statuses
from delphi.reports.limitations import Limitation, limitations
from delphi.reports.methods import MethodsParagraph, methods_paragraphs
from delphi.reports.participation import Participation, participation_by_round
from delphi.reports.protocol import ProtocolRow, protocol_rows
from delphi.reports.remarks import Remark, RoundRemarks, SuggestionOutcome, by_group, study_remarks
from delphi.reports.settings import describe_settings, study_settings


class ReportError(Exception):
    """The report asked for cannot be made (e.g. the round is not closed); says why."""


@dataclass
class ItemRow:
    """One item as rated in one closed round, with its frozen statistics."""

    round: int
    section_code: str
    section_title: str
    code: str
    text: str
    origin: str
    summary: dict
    group_summaries: dict[str, dict]  # only groups large enough to be shown
    stability: dict | None
    status: str
    decision: str | None
    decision_reason: str | None
    comments: list[str] = field(default_factory=list)  # alphabetical, without groups
    # The same comments with their writers' groups, and the reasons given for ratings outside
    # the interquartile range; see ``delphi.reports.remarks``.
    remarks: list[Remark] = field(default_factory=list)
    reasons: list[Remark] = field(default_factory=list)
    argument_summary: str | None = None  # the team's summary of the arguments
    reworded_from: str | None = None  # the code of the wording this one replaced

    @property
    def comments_by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.remarks)

    @property
    def reasons_by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.reasons)

    explanation: str = ""  # the item's explanation (Markdown), shown under the wording


@dataclass
class RoundFlow:
    """How many items went where after a round (the item-flow diagram's numbers)."""

    round: int
    rated: int
    carried_in: int  # rated in the previous round too (same item)
    new_wordings: int  # rewordings of items of the previous round
    from_suggestions: int  # added from panellists' suggestions
    status_in: int
    status_out: int
    status_none: int
    decided: dict[str, int]  # decision value -> number of items
    overridden: int  # decisions that differ from the proposal


@dataclass
class SectionRemarks:
    """Panellists' comments on one section in one round."""

    code: str
    title: str
    remarks: list[Remark]

    @property
    def by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.remarks)


@dataclass
class RoundReport:
    number: int
    state: str
    opened_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    settings: dict | None
    items: list[ItemRow]
    participation: Participation
    flow: RoundFlow | None  # None while the round is not closed
    unable_total: int
    section_comments: list[SectionRemarks] = field(default_factory=list)  # sections commented on
    suggestions: list[SuggestionOutcome] = field(default_factory=list)


@dataclass
class Rewording:
    round: int
    old_code: str
    old_text: str
    new_code: str
    new_text: str
    reason: str


@dataclass
class StudyReport:
    study: Study
    settings: dict  # the consensus definition as stated before round 1
    settings_words: list[str]
    rounds: list[RoundReport]  # every round, in order
    reported_rounds: list[int]  # the closed rounds whose items are reported
    groups: list[str]  # stakeholder groups, in order
    shown_groups: list[str]  # groups at least study.min_group_size strong in some round
    final_items: list[tuple[str, list[ItemRow]]]  # (section title, items in) in section order
    excluded_items: list[tuple[str, list[ItemRow]]]  # the same for items decided consensus out
    rewordings: list[Rewording]
    generated_at: datetime
    # Who the panel are: counts per background answer, small counts suppressed (None: no
    # background questions).
    characteristics: Characteristics | None = None
    # Each round's participant flow by stakeholder group (invited, opened, drafts, submitted,
    # paper, joined, lost, withdrawn).
    participant_flow: list[RoundFlowCounts] = field(default_factory=list)
    # Where every item ended (in, out, unresolved), with the round that settled it.
    final_status: list[FinalStatus] = field(default_factory=list)
    # What an author needs around the results (ACCORD): the protocol, the methods in prose,
    # the limitations the data show and the pre-filled checklist; filled by build_report.
    protocol: list[ProtocolRow] = field(default_factory=list)
    methods: list[MethodsParagraph] = field(default_factory=list)
    limitations: list[Limitation] = field(default_factory=list)
    checklist: list[ChecklistRow] = field(default_factory=list)

    @property
    def item_rows(self) -> list[ItemRow]:
        return [row for r in self.rounds if r.number in self.reported_rounds for row in r.items]


PROPOSED = {
    "in": Decision.CONSENSUS_IN.value,
    "out": Decision.CONSENSUS_OUT.value,
    "none": Decision.CARRY_FORWARD.value,
}


def build_report(
    study: Study, round_number: int | None = None, on_round: Callable[[int], None] | None = None
) -> StudyReport:
    """The report of the whole study, or of one closed round; ``on_round(items)`` is called after
    each round is read (a progress bar on large studies). Raises ReportError."""
    rounds = db.session.scalars(
        db.select(Round)
        .filter_by(study_id=study.id)
        .order_by(Round.number)
        .options(
            selectinload(Round.round_items).selectinload(RoundItem.section),
            selectinload(Round.round_items).selectinload(RoundItem.item),
        )
    ).all()
    closed = [r.number for r in rounds if r.state is RoundState.CLOSED]
    if round_number is not None:
        known = {r.number: r for r in rounds}
        if round_number not in known:
            raise ReportError(f"Study {study.slug} has no round {round_number}.")
        if known[round_number].state is not RoundState.CLOSED:
            raise ReportError(
                f"Round {round_number} of {study.slug} is {known[round_number].state.value}; "
                "only a closed round has a report."
            )
        reported = [round_number]
    else:
        reported = closed

    participation = participation_by_round(study, rounds)
    groups = sorted({g for p in participation.values() for g in p.invited_by_group})
    remarks = study_remarks(study, rounds)
    settings = rounds[0].settings if rounds and rounds[0].settings else study_settings(study)

    round_reports = []
    previous_items: set[int] = set()
    for round_ in rounds:
        shown = participation[round_.number].shown_groups(study.min_group_size)
        said = remarks[round_.number]
        rows = [
            _item_row(round_, ri, shown, said, study.min_group_size) for ri in round_.round_items
        ]
        closed_round = round_.state is RoundState.CLOSED
        round_reports.append(
            RoundReport(
                number=round_.number,
                state=round_.state.value,
                opened_at=round_.opened_at,
                closes_at=round_.closes_at,
                closed_at=round_.closed_at,
                settings=round_.settings,
                items=rows if closed_round else [],
                participation=participation[round_.number],
                flow=_flow(round_, previous_items) if closed_round else None,
                unable_total=(
                    sum(int(r.summary.get("n_unable", 0)) for r in rows) if closed_round else 0
                ),
                section_comments=[
                    SectionRemarks(s.code, s.title, said.sections[s.id])
                    for s in study.sections
                    if closed_round and said.sections.get(s.id)
                ],
                suggestions=said.suggestions if closed_round else [],
            )
        )
        previous_items = {ri.item_id for ri in round_.round_items}
        if on_round is not None:
            on_round(len(round_.round_items))

    shown_groups = sorted(
        {
            g
            for r in round_reports
            if r.number in reported
            for row in r.items
            for g in row.group_summaries
        }
    )
    report = StudyReport(
        study=study,
        settings=settings,
        settings_words=describe_settings(settings),
        rounds=round_reports,
        reported_rounds=reported,
        groups=groups,
        shown_groups=shown_groups,
        final_items=_last_decided(study, round_reports, reported, Decision.CONSENSUS_IN),
        excluded_items=_last_decided(study, round_reports, reported, Decision.CONSENSUS_OUT),
        rewordings=_rewordings(study, rounds, reported),
        generated_at=utcnow(),
        characteristics=load_characteristics(
            study, {n: participation[n].responder_ids for n in reported}
        ),
        participant_flow=participant_flows(study, rounds),
        protocol=protocol_rows(study),
    )
    attach_lineage(report)
    report.final_status = final_statuses(report)
    report.methods = methods_paragraphs(report)
    report.limitations = limitations(report)
    report.checklist = checklist(report)
    return report


def _item_row(
    round_: Round, ri: RoundItem, shown: set[str], said: RoundRemarks, min_group_size: int
) -> ItemRow:
    """One item of a closed round. A group's figures for the item are left out when the group
    is too small in the round, or when fewer than ``min_group_size`` of it rated the item on the
    scale (the rest were unable to rate or left it): a handful of ratings would show how
    individual panellists rated."""
    return ItemRow(
        round=round_.number,
        section_code=ri.section.code,
        section_title=ri.section.title,
        code=ri.code,
        text=ri.text,
        origin=ri.item.origin.value,
        summary=ri.summary or {},
        group_summaries={
            g: s
            for g, s in sorted((ri.group_summaries or {}).items())
            if g in shown and int(s.get("n") or 0) >= min_group_size
        },
        stability=ri.stability,
        status=ri.status or "none",
        decision=ri.decision.value if ri.decision else None,
        decision_reason=ri.decision_reason,
        explanation=ri.item.explanation,
        comments=sorted((r.text for r in said.comments.get(ri.id, [])), key=str.casefold),
        remarks=said.comments.get(ri.id, []),
        reasons=said.reasons.get(ri.id, []),
        argument_summary=ri.argument_summary,
    )


def _flow(round_: Round, previous_items: set[int]) -> RoundFlow:
    items = round_.round_items
    decided: dict[str, int] = {d.value: 0 for d in Decision}
    for ri in items:
        if ri.decision is not None:
            decided[ri.decision.value] += 1
    return RoundFlow(
        round=round_.number,
        rated=len(items),
        carried_in=sum(1 for ri in items if ri.item_id in previous_items),
        new_wordings=sum(
            1
            for ri in items
            if ri.item.origin is ItemOrigin.REWORDING and ri.item.reworded_from_id in previous_items
        ),
        from_suggestions=sum(
            1
            for ri in items
            if ri.item.origin is ItemOrigin.SUGGESTION and ri.item_id not in previous_items
        ),
        status_in=sum(1 for ri in items if ri.status == "in"),
        status_out=sum(1 for ri in items if ri.status == "out"),
        status_none=sum(1 for ri in items if ri.status not in ("in", "out")),
        decided=decided,
        overridden=sum(
            1
            for ri in items
            if ri.decision is not None and ri.decision.value != PROPOSED.get(ri.status or "none")
        ),
    )


def _last_decided(
    study: Study, rounds: list[RoundReport], reported: list[int], decision: Decision
) -> list[tuple[str, list[ItemRow]]]:
    """Items whose last decision is ``decision`` (consensus in: the final list; consensus out:
    the excluded items), by section, with the wording last rated."""
    last: dict[tuple[str, str], ItemRow] = {}
    for r in rounds:
        if r.number in reported:
            for row in r.items:
                last[(row.section_code, row.code)] = row
    by_section: dict[str, list[ItemRow]] = defaultdict(list)
    for row in last.values():
        if row.decision == decision.value:
            by_section[row.section_code].append(row)
    return [(s.title, by_section[s.code]) for s in study.sections if by_section.get(s.code)]


def _rewordings(study: Study, rounds: Sequence[Round], reported: list[int]) -> list[Rewording]:
    successors = {
        i.reworded_from_id: i
        for i in db.session.scalars(
            db.select(Item).where(Item.study_id == study.id, Item.reworded_from_id.is_not(None))
        )
    }
    history = []
    for round_ in rounds:
        if round_.number not in reported:
            continue
        for ri in round_.round_items:
            new = successors.get(ri.item_id)
            if ri.decision is Decision.REWORDED and new is not None:
                history.append(
                    Rewording(
                        round=round_.number,
                        old_code=ri.code,
                        old_text=ri.text,
                        new_code=new.code,
                        new_text=new.text,
                        reason=new.rewording_reason or ri.decision_reason or "",
                    )
                )
    return history


__all__ = [
    "ItemRow",
    "ReportError",
    "RoundFlow",
    "RoundReport",
    "SectionRemarks",
    "StudyReport",
    "build_report",
]
