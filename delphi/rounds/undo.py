"""Between rounds, before the next round is prepared: taking back a rewording or a suggestion
accepted as an item. The new item was never shown, so removing it rewrites no history."""

from __future__ import annotations

from delphi import audit
from delphi.extensions import db
from delphi.models import (
    Decision,
    Item,
    ItemOrigin,
    RoundItem,
    StaffUser,
    Suggestion,
    SuggestionStatus,
)
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import PROPOSED, require_review
from delphi.studies.locks import require_not_complete

UNDONE_REASON = "Carried forward again: its rewording was undone."


def undo_rewording(round_item: RoundItem, *, by: StaffUser | None = None) -> Item:
    """Remove the new wording of a reworded item; the old wording is carried forward again
    (and a panellist's suggestion used for it is pending again). Returns the removed item."""
    round_ = round_item.round
    require_not_complete(round_.study, "rewordings")
    require_review(round_)
    new = db.session.scalar(
        db.select(Item)
        .where(
            Item.reworded_from_id == round_item.item_id,
            Item.retired.is_(False),
            Item.id.not_in(db.select(RoundItem.item_id)),
        )
        .order_by(Item.id.desc())
        .limit(1)
    )
    if round_item.decision is not Decision.REWORDED or new is None:
        raise RoundError(f"Item {round_item.code} is not reworded; there is no rewording to undo.")
    for suggestion in db.session.scalars(db.select(Suggestion).filter_by(resulting_item_id=new.id)):
        _make_pending(suggestion)
    carried_as_proposed = PROPOSED.get(round_item.status or "") is Decision.CARRY_FORWARD
    round_item.decision = Decision.CARRY_FORWARD
    round_item.decision_reason = None if carried_as_proposed else UNDONE_REASON
    round_item.decided_by_id = by.id if by else None
    audit.record(
        "item.reword.undo",
        study=round_.study,
        by=by,
        target=round_item.code,
        before={"code": new.code, "text": new.text, "reason": new.rewording_reason},
        after={"decision": Decision.CARRY_FORWARD.value},
    )
    db.session.delete(new)
    db.session.flush()
    return new


def undo_item_from_suggestion(suggestion: Suggestion, *, by: StaffUser | None = None) -> Item:
    """Remove the item a suggestion became; the suggestion is pending again. Returns the item."""
    round_ = suggestion.round
    require_not_complete(round_.study, "the item list")
    require_review(round_)
    item = suggestion.resulting_item
    if suggestion.status is not SuggestionStatus.ACCEPTED or item is None:
        raise RoundError(
            f"Suggestion {suggestion.id} is {suggestion.status.value}; only a "
            "suggestion accepted as an item can be undone."
        )
    if item.origin is ItemOrigin.REWORDING:
        old = item.reworded_from.code if item.reworded_from else "an item"
        raise RoundError(
            f"Suggestion {suggestion.id} became {item.code}, a new wording of "
            f"{old}; undo that rewording instead."
        )
    if db.session.scalar(db.select(RoundItem.id).filter_by(item_id=item.id).limit(1)):
        raise RoundError(f"Item {item.code} has been shown in a round; it stays.")
    _make_pending(suggestion)
    audit.record(
        "item.add_from_suggestion.undo",
        study=round_.study,
        by=by,
        target=item.code,
        before={"code": item.code, "text": item.text, "section": item.section.code},
        after={"suggestion": suggestion.id, "status": SuggestionStatus.PENDING.value},
    )
    db.session.delete(item)
    db.session.flush()
    return item


def _make_pending(suggestion: Suggestion) -> None:
    suggestion.status = SuggestionStatus.PENDING
    suggestion.resulting_item = None
