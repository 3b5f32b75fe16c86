"""The parts of the report around the item table, as plain tables (title, columns, rows): the
participation, the participant flow, the item flow, every item's final status and the team's
decisions from the audit trail. The XLSX holds each as a sheet, the bundle as a CSV file, the
JSON as a list of records; the HTML report draws them from the same report model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from delphi.audit.labels import action_label
from delphi.extensions import db
from delphi.models import AuditEvent, StaffUser
from delphi.reports.data import StudyReport
from delphi.reports.flow import MOVES, STAGES

# The audit trail's actions that decide what happens to the study's items and rounds.
DECISION_ACTIONS = (
    "round.open",
    "round.deadline",
    "round.close",
    "item.decide",
    "item.reword",
    "item.reword.undo",
    "item.add_from_suggestion",
    "item.add_from_suggestion.undo",
    "suggestion.decline",
    "item.summarise_arguments",
    "round.prepare",
    "study.complete",
    "study.reopen",
)

Table = tuple[str, list[str], list[list[object]]]


@dataclass(frozen=True)
class DecisionEvent:
    """Who decided what and when, named as the team knows them (never an e-mail address)."""

    at: datetime
    who: str
    action: str  # in words
    target: str
    details: str  # the decision, its reason, the counts recorded


def _who(event: AuditEvent, names: dict[int, str]) -> str:
    if event.staff_id is not None and event.staff_id in names:
        return names[event.staff_id]
    return "a staff member" if "@" in event.actor else event.actor  # "command line"


def _details(event: AuditEvent) -> str:
    after = event.after or {}
    shown = {key: value for key, value in after.items() if value not in (None, "")}
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in shown.items())


def decision_log(report: StudyReport) -> list[DecisionEvent]:
    """The team's decisions on the study's rounds and items, oldest first, in two queries."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.study_id == report.study.id,
            AuditEvent.action.in_(DECISION_ACTIONS),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    staff_ids = {e.staff_id for e in events if e.staff_id is not None}
    names = {
        staff_id: name or "a staff member"
        for staff_id, name in db.session.execute(
            db.select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(staff_ids))
        )
    }
    return [
        DecisionEvent(e.created_at, _who(e, names), action_label(e.action), e.target, _details(e))
        for e in events
    ]


def participation_table(report: StudyReport) -> Table:
    columns = ["round", "group", "invited", "responded", "response_rate_pct"]
    rows: list[list[object]] = []
    for r in report.rounds:
        p = r.participation
        rows.append([r.number, "", p.invited, p.responded, p.rate])
        for group in report.groups:
            rows.append(
                [
                    r.number,
                    group,
                    p.invited_by_group.get(group, 0),
                    p.responded_by_group.get(group, 0),
                    p.group_rate(group),
                ]
            )
    return "Participation", columns, rows


def participant_flow_table(report: StudyReport) -> Table:
    keys = [key for key, _ in STAGES + MOVES]
    columns = ["round", "group", *keys, "drafts_left_out", "close_reason"]
    rows: list[list[object]] = []
    for flow in report.participant_flow:
        closing = [flow.drafts_left_out, flow.close_reason or ""]
        rows.append([flow.round, "", *(flow.total(k) for k in keys), *closing])
        for group in report.groups:
            rows.append([flow.round, group, *(flow.of(k, group) for k in keys), "", ""])
    return "Participant flow", columns, rows


def item_flow_table(report: StudyReport) -> Table:
    columns = [
        "round",
        "rated",
        "rated_before",
        "new_wordings",
        "from_suggestions",
        "status_in",
        "status_out",
        "status_none",
        "carried_forward",
        "reworded",
        "decisions_overridden",
    ]
    rows: list[list[object]] = [
        [
            f.round,
            f.rated,
            f.carried_in,
            f.new_wordings,
            f.from_suggestions,
            f.status_in,
            f.status_out,
            f.status_none,
            f.decided.get("carry_forward", 0),
            f.decided.get("reworded", 0),
            f.overridden,
        ]
        for r in report.rounds
        if r.flow is not None and r.number in report.reported_rounds
        for f in [r.flow]
    ]
    return "Item flow", columns, rows


def final_status_table(report: StudyReport) -> Table:
    columns = [
        "section",
        "item",
        "text",
        "origin",
        "reworded_from",
        "final_status",
        "settled_in_round",
        "median",
        "decision_reason",
    ]
    rows: list[list[object]] = [
        [
            s.row.section_code,
            s.row.code,
            s.row.text,
            s.row.origin,
            s.row.reworded_from or "",
            s.status,
            s.round,
            s.row.summary.get("median"),
            s.row.decision_reason or "",
        ]
        for s in report.final_status
    ]
    return "Final status", columns, rows


def decisions_table(report: StudyReport) -> Table:
    columns = ["when_utc", "who", "action", "target", "details"]
    rows: list[list[object]] = [
        [e.at.strftime("%Y-%m-%d %H:%M"), e.who, e.action, e.target, e.details]
        for e in decision_log(report)
    ]
    return "Decisions", columns, rows


def story_tables(report: StudyReport) -> list[Table]:
    """Every table of the report besides the item table and the settings."""
    return [
        participation_table(report),
        participant_flow_table(report),
        item_flow_table(report),
        final_status_table(report),
        decisions_table(report),
    ]


def as_records(table: Table) -> list[dict[str, object]]:
    """A table as JSON records."""
    _, columns, rows = table
    return [dict(zip(columns, row, strict=True)) for row in rows]
