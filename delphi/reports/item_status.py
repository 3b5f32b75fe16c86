"""Where every item ended: in, out or unresolved, with the round it was settled in.

An item's last decision settles it: consensus in or out. An item carried forward or reworded
in the last closed round, with no later round prepared (or the study complete), ends
unresolved: nothing reads "carried forward to the next round" once there is none. A wording
replaced by a rewording that a later round rated lives on under its new code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import aliased

from delphi.extensions import db
from delphi.models import Decision, Item, RoundState, StudyStatus

if TYPE_CHECKING:  # the report model imports this module
    from delphi.reports.data import ItemRow, StudyReport

# What each final status says, in the report, the exports and the item table's column.
STATUS_WORDS = {
    "in": "Consensus in: kept in the guidance",
    "out": "Consensus out: left out of the guidance",
    "unresolved": "Unresolved at the end of the study",
    "being_rated": "Still being rated in a later round",
}


@dataclass
class FinalStatus:
    row: ItemRow  # the item as last rated
    status: str  # a key of STATUS_WORDS
    round: int  # the round it was settled in (or last rated in)

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]


def attach_lineage(report: StudyReport) -> None:
    """Give each row the code of the wording it replaced (``reworded_from``), in one query."""
    parent = aliased(Item)
    codes = dict(
        db.session.execute(
            db.select(Item.code, parent.code)
            .join(parent, Item.reworded_from_id == parent.id)
            .where(Item.study_id == report.study.id)
        ).all()
    )
    for r in report.rounds:
        for row in r.items:
            row.reworded_from = codes.get(row.code)


def final_statuses(report: StudyReport) -> list[FinalStatus]:
    """Every item's final status, in the order of the rounds and the items."""
    reported = [r for r in report.rounds if r.number in report.reported_rounds]
    if not reported:
        return []
    last_reported = reported[-1].number
    later_running = report.study.status is not StudyStatus.COMPLETE and any(
        r.number > last_reported and r.state != RoundState.CLOSED.value for r in report.rounds
    )
    last: dict[str, ItemRow] = {}
    for r in reported:
        for row in r.items:
            last.pop(row.code, None)  # keep rounds' order: the latest rating last
            last[row.code] = row
    rated_again = {row.reworded_from for row in last.values() if row.reworded_from}
    statuses = []
    for row in last.values():
        if row.decision == Decision.CONSENSUS_IN.value:
            statuses.append(FinalStatus(row, "in", row.round))
        elif row.decision == Decision.CONSENSUS_OUT.value:
            statuses.append(FinalStatus(row, "out", row.round))
        elif row.code in rated_again and row.decision == Decision.REWORDED.value:
            continue  # its new wording carries on
        elif row.round == last_reported and later_running:
            statuses.append(FinalStatus(row, "being_rated", row.round))
        else:
            statuses.append(FinalStatus(row, "unresolved", row.round))
    return statuses


def final_of(report: StudyReport) -> dict[tuple[int, str], FinalStatus]:
    """The final statuses by (round, code) of the row they settle."""
    return {(s.round, s.row.code): s for s in report.final_status}


__all__ = ["STATUS_WORDS", "FinalStatus", "attach_lineage", "final_of", "final_statuses"]
