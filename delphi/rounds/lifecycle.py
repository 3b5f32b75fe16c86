"""The round lifecycle: open, close (freezing the summary), and prepare the next round.

Each operation checks the transition, does its work, records an audit event and flushes; the
caller (a view or a CLI command) commits once.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from delphi import audit
from delphi.consensus import ConsensusError, ItemStability, stability, summarise
from delphi.extensions import db
from delphi.models import (
    Decision,
    Item,
    Round,
    RoundItem,
    RoundState,
    StaffUser,
    Study,
    StudyStatus,
    utcnow,
)
from delphi.rounds.errors import RoundError
from delphi.rounds.invitations import invite_panel
from delphi.rounds.matrix import ratings_matrix
from delphi.rounds.nonresponse import closing_concerns, drafts_outstanding
from delphi.rounds.review_remarks import freeze_remarks
from delphi.studies.consensus import consensus_settings
from delphi.studies.locks import require_not_complete
from delphi.validation import COMMENT_MAX_LENGTH, text_problem

PROPOSED = {
    "in": Decision.CONSENSUS_IN,
    "out": Decision.CONSENSUS_OUT,
    "none": Decision.CARRY_FORWARD,
}


def open_round(
    study: Study, *, closes_at: datetime | None = None, by: StaffUser | None = None
) -> Round:
    """Open the study's next round and queue the invitations.

    Round 1 is created with every active item; a later round must have been prepared by
    ``prepare_next_round``.
    """
    if study.status is StudyStatus.COMPLETE:
        raise RoundError(f"Study {study.slug} is complete; no more rounds can be opened.")
    current = current_round(study)
    if current is not None and current.state is RoundState.OPEN:
        raise RoundError(f"Round {current.number} is open; close it before opening another round.")
    if current is None:
        round_ = _create_round_one(study)
    elif current.state is RoundState.DRAFT:
        round_ = current
    else:
        raise RoundError(
            f"Round {current.number} is closed; review its items and prepare round "
            f"{current.number + 1} (delphi round next) rather than opening a new one."
        )
    if not round_.round_items:
        raise RoundError(f"Round {round_.number} has no items to rate.")
    if closes_at is not None and closes_at <= utcnow():
        raise RoundError(f"The deadline {closes_at:%Y-%m-%d} is in the past.")
    try:
        settings = consensus_settings(study)
    except ConsensusError as error:
        raise RoundError(f"The study's consensus definition is not valid: {error}") from error

    round_.state = RoundState.OPEN
    round_.opened_at = utcnow()
    round_.closes_at = closes_at
    round_.settings = settings.to_dict()
    study.status = StudyStatus.RUNNING
    db.session.flush()
    invite_panel(study, round_)
    audit.record(
        "round.open",
        study=study,
        by=by,
        target=f"round {round_.number}",
        after={
            "closes_at": closes_at.isoformat() if closes_at else None,
            "items": len(round_.round_items),
        },
    )
    db.session.flush()
    return round_


def _create_round_one(study: Study) -> Round:
    items = [item for item in study.items if not item.retired]
    round_ = Round(study=study, number=1)
    db.session.add(round_)
    add_round_items(round_, items)
    return round_


def add_round_items(round_: Round, items: list[Item]) -> None:
    """Put ``items`` on ``round_`` as its round items, in section order then item order."""
    section_order = {s.id: s.position for s in round_.study.sections}
    ordered = sorted(items, key=lambda i: (section_order.get(i.section_id, 0), i.position, i.id))
    for position, item in enumerate(ordered):
        round_.round_items.append(
            RoundItem(
                item=item,
                section_id=item.section_id,
                code=item.code,
                text=item.text,
                position=position,
            )
        )


def current_round(study: Study) -> Round | None:
    """The study's latest round, whatever its state."""
    return db.session.scalar(
        db.select(Round).filter_by(study_id=study.id).order_by(Round.number.desc()).limit(1)
    )


def open_round_of(study: Study) -> Round | None:
    return db.session.scalar(db.select(Round).filter_by(study_id=study.id, state=RoundState.OPEN))


def close_round(
    round_: Round,
    *,
    by: StaffUser | None = None,
    reason: str | None = None,
    early_needs_reason: bool = False,
) -> Round:
    """Close an open round and freeze every item's summary; reports read only this summary.

    Closing below the study's minimum response needs a ``reason``, and so does closing before
    the deadline when ``early_needs_reason`` (the console and ``delphi round close`` ask);
    the report shows it. The drafts left out are counted.
    """
    # Exclusive row lock (PostgreSQL): saves in flight hold it shared, so they commit first and
    # are counted, and later saves wait, then find the round closed.
    db.session.scalars(
        db.select(Round)
        .where(Round.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if round_.state is not RoundState.OPEN:
        raise RoundError(
            f"Round {round_.number} is {round_.state.value}; only an open round can be closed."
        )
    reason = (reason or "").strip() or None
    problem = reason and text_problem(reason, max_length=COMMENT_MAX_LENGTH, multiline=True)
    if problem:
        raise RoundError(f"The reason for closing round {round_.number} {problem}")
    concerns = closing_concerns(round_, early=early_needs_reason)
    if concerns and reason is None:
        raise RoundError(
            f"Round {round_.number} needs a reason to close now, which the report shows: "
            + " ".join(concerns)
        )
    settings = round_.recorded_settings()
    matrix = ratings_matrix(round_)
    summary = summarise(matrix.ratings, settings, groups=matrix.groups)
    stabilities = _stability_against_previous(round_, matrix, settings)

    by_id = {ri.id: ri for ri in round_.round_items}
    for column, round_item_id in enumerate(matrix.round_item_ids):
        round_item = by_id[round_item_id]
        item_summary = summary.items[column]
        round_item.summary = item_summary.to_dict()
        round_item.group_summaries = {
            group: rows[column].to_dict() for group, rows in summary.groups.items()
        }
        round_item.status = item_summary.status
        round_item.decision = PROPOSED[item_summary.status]
        round_item.stability = stabilities.get(round_item.item_id)

    round_.drafts_left_out = drafts_outstanding(round_)
    round_.close_reason = reason if concerns else None
    round_.state = RoundState.CLOSED
    round_.closed_at = utcnow()
    freeze_remarks(round_)
    audit.record(
        "round.close",
        study=round_.study,
        by=by,
        target=f"round {round_.number}",
        after={
            "reason": round_.close_reason,
            "drafts_left_out": round_.drafts_left_out,
            "responses": len(matrix.panellist_ids),
            "in": sum(1 for s in summary.items if s.status == "in"),
            "out": sum(1 for s in summary.items if s.status == "out"),
        },
    )
    db.session.flush()
    return round_


def _stability_against_previous(round_, matrix, settings) -> dict[int, dict]:
    """Stability of each item rated in this round and the previous one, keyed by item id.

    Only an item whose wording is the same in both rounds is compared; a reworded item asks a
    different question, so its record says it is not comparable and holds no measure.
    """
    previous = db.session.scalar(
        db.select(Round).filter_by(study_id=round_.study_id, number=round_.number - 1)
    )
    if previous is None:
        return {}
    before = ratings_matrix(previous)
    previous_column = {item_id: j for j, item_id in enumerate(before.item_ids)}
    wording, previous_wording = (
        dict(
            db.session.execute(
                db.select(RoundItem.item_id, RoundItem.text).filter_by(round_id=r.id)
            ).all()
        )
        for r in (round_, previous)
    )
    items = {
        i.id: i for i in db.session.scalars(db.select(Item).where(Item.id.in_(matrix.item_ids)))
    }
    pairs, reworded = [], {}
    for j, item_id in enumerate(matrix.item_ids):
        if item_id in previous_column and wording[item_id] == previous_wording[item_id]:
            pairs.append((j, previous_column[item_id], item_id))
        elif item_id in previous_column or items[item_id].reworded_from_id in previous_column:
            reworded[item_id] = ItemStability.not_comparable().to_dict()
    if not pairs:
        return reworded
    # Align rows: panellists who submitted in both rounds.
    shared = [pid for pid in matrix.panellist_ids if pid in before.row_of]
    now_rows = [matrix.row_of[pid] for pid in shared]
    old_rows = [before.row_of[pid] for pid in shared]
    current = matrix.ratings[np.ix_(now_rows, [j for j, _, _ in pairs])]
    earlier = before.ratings[np.ix_(old_rows, [k for _, k, _ in pairs])]
    results = stability(earlier, current, settings)
    return reworded | {
        item_id: result.to_dict() for (_, _, item_id), result in zip(pairs, results, strict=True)
    }


def decide(
    round_item: RoundItem,
    decision: Decision,
    *,
    reason: str | None = None,
    by: StaffUser | None = None,
) -> RoundItem:
    """Set what happens to an item after its round; a change from the proposal needs a reason."""
    round_ = round_item.round
    require_not_complete(round_.study, "decisions")
    require_review(round_)
    assert round_item.status is not None  # closing the round gave every item its status
    proposed = PROPOSED[round_item.status]
    reason = (reason or "").strip() or None
    if decision is not proposed and reason is None:
        raise RoundError(
            f"Item {round_item.code}: the proposed decision is “{proposed.label}”; "
            f"give a reason for changing it to “{decision.label}”."
        )
    before = {"decision": round_item.decision.value if round_item.decision else None}
    if round_item.decision is Decision.REWORDED:
        retire_unshown_rewordings(round_item)
    round_item.decision = decision
    round_item.decision_reason = reason if decision is not proposed else None
    round_item.decided_by_id = by.id if by else None
    audit.record(
        "item.decide",
        study=round_.study,
        by=by,
        target=round_item.code,
        before=before,
        after={"decision": decision.value, "reason": reason},
    )
    db.session.flush()
    return round_item


def retire_unshown_rewordings(round_item: RoundItem) -> None:
    """Retire new wordings of the item that no round has shown: a later decision replaces them.

    Without this, rewording an item twice (or deciding otherwise after a rewording) would put
    every wording into the next round.
    """
    shown = db.select(RoundItem.item_id)
    for item in db.session.scalars(
        db.select(Item).where(
            Item.reworded_from_id == round_item.item_id,
            Item.retired.is_(False),
            Item.id.not_in(shown),
        )
    ):
        item.retired = True


def require_review(round_: Round) -> None:
    """Refuse, with a RoundError saying why, unless ``round_`` is closed and no later round
    has been prepared: its decisions may still change."""
    if round_.state is not RoundState.CLOSED:
        raise RoundError(
            f"Round {round_.number} is {round_.state.value}; decisions are made after it closes."
        )
    later = db.session.scalar(
        db.select(Round.id).filter_by(study_id=round_.study_id, number=round_.number + 1)
    )
    if later is not None:
        raise RoundError(
            f"Round {round_.number + 1} has already been prepared; round {round_.number}'s "
            "decisions are final."
        )
