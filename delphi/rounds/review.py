"""Between rounds: rewording items, turning suggestions into items, preparing the next round,
and completing or reopening the study (taking a rewording or a suggestion back: ``undo``)."""

from __future__ import annotations

from dataclasses import dataclass

from delphi import audit
from delphi.extensions import db
from delphi.models import (
    Decision,
    Item,
    ItemOrigin,
    Round,
    RoundItem,
    RoundState,
    Section,
    StaffUser,
    Study,
    StudyStatus,
    Suggestion,
    SuggestionStatus,
)
from delphi.rounds.errors import RoundError
from delphi.rounds.invitations import invitation_count, invites_responders_only
from delphi.rounds.lifecycle import (
    add_round_items,
    current_round,
    open_round,
    require_review,
    retire_unshown_rewordings,
)
from delphi.studies.locks import require_not_complete
from delphi.studies.positions import next_position
from delphi.validation import (
    CODE_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    ITEM_TEXT_MAX_LENGTH,
    code_problem,
    text_problem,
)


def _next_code(study: Study, base: str) -> str:
    """The old code with the next free "-v2", "-v3"...; a long code is shortened to fit."""
    taken = set(db.session.scalars(db.select(Item.code).filter_by(study_id=study.id)))
    n = 2
    while _versioned(base, n) in taken:
        n += 1
    return _versioned(base, n)


def _versioned(base: str, n: int) -> str:
    suffix = f"-v{n}"
    return base[: CODE_MAX_LENGTH - len(suffix)] + suffix


def reword_item(
    round_item: RoundItem,
    text: str,
    *,
    reason: str,
    code: str | None = None,
    by: StaffUser | None = None,
    suggestion: Suggestion | None = None,
) -> Item:
    """Replace an item by a new wording for the next round; the old wording stays in history."""
    round_ = round_item.round
    require_not_complete(round_.study, "rewordings")
    require_review(round_)
    text, reason = text.strip(), (reason or "").strip()
    if not text:
        raise RoundError(f"Item {round_item.code}: the new wording is empty.")
    if text == round_item.text:
        raise RoundError(f"Item {round_item.code}: the new wording is the same as the old.")
    if not reason:
        raise RoundError(f"Item {round_item.code}: give a reason for the rewording.")
    _require_wording(text)
    old = round_item.item
    study = round_.study
    retire_unshown_rewordings(round_item)
    base = old.code.split("-v")[0]
    code = (code or "").strip() or _next_code(study, base)
    _require_free_code(study, code)
    new = Item(
        study=study,
        section_id=old.section_id,
        code=code,
        text=text,
        position=old.position,
        origin=ItemOrigin.REWORDING,
        reworded_from=old,
        rewording_reason=reason,
        explanation=old.explanation,  # kept: it explains what the item is about
    )
    db.session.add(new)
    round_item.decision = Decision.REWORDED
    round_item.decision_reason = reason
    round_item.decided_by_id = by.id if by else None
    if suggestion is not None:
        _accept(suggestion, new)
    audit.record(
        "item.reword",
        study=study,
        by=by,
        target=old.code,
        before={"code": old.code, "text": round_item.text},
        after={"code": code, "text": text, "reason": reason},
    )
    db.session.flush()
    return new


def summarise_arguments(round_item: RoundItem, text: str, *, by: StaffUser | None = None) -> None:
    """Write (or, with empty text, remove) the team's summary of the arguments in an item's
    comments. It is shown with the item's feedback in the next round, so it is fixed once that
    round is prepared, and locked with the study's other decisions once the study is complete."""
    round_ = round_item.round
    require_not_complete(round_.study, "summaries of the arguments")
    require_review(round_)
    text = (text or "").strip()
    problem = text and text_problem(text, max_length=COMMENT_MAX_LENGTH, multiline=True)
    if problem:
        raise RoundError(f"Item {round_item.code}: the summary of the arguments {problem}")
    before = round_item.argument_summary
    if (before or "") == text:
        return
    round_item.argument_summary = text or None
    # What the round shows as feedback changed: app servers draw it again.
    round_.revision += 1
    audit.record(
        "item.summarise_arguments",
        study=round_.study,
        by=by,
        target=round_item.code,
        before={"summary": before},
        after={"summary": round_item.argument_summary},
    )
    db.session.flush()


def add_item_from_suggestion(
    suggestion: Suggestion, *, text: str, section: Section, code: str, by: StaffUser | None = None
) -> Item:
    """Turn a panellist's suggestion into a new item for the next round."""
    require_not_complete(suggestion.round.study, "the item list")
    if suggestion.status is not SuggestionStatus.PENDING:
        raise RoundError(f"Suggestion {suggestion.id} was already {suggestion.status.value}.")
    study = section.study
    if suggestion.round.study_id != study.id:
        raise RoundError("The suggestion belongs to another study.")
    text, code = text.strip(), code.strip()
    if not text or not code:
        raise RoundError("A new item needs a code and a text.")
    _require_wording(text)
    _require_free_code(study, code)
    position = next_position(section.items)
    item = Item(
        study=study,
        section=section,
        code=code,
        text=text,
        position=position,
        origin=ItemOrigin.SUGGESTION,
    )
    db.session.add(item)
    _accept(suggestion, item)
    audit.record(
        "item.add_from_suggestion",
        study=study,
        by=by,
        target=code,
        after={"text": text, "suggestion": suggestion.id},
    )
    db.session.flush()
    return item


def decline_suggestion(suggestion: Suggestion, *, by: StaffUser | None = None) -> None:
    require_not_complete(suggestion.round.study, "suggestions")
    if suggestion.status is not SuggestionStatus.PENDING:
        raise RoundError(f"Suggestion {suggestion.id} was already {suggestion.status.value}.")
    suggestion.status = SuggestionStatus.DECLINED
    audit.record(
        "suggestion.decline",
        study=suggestion.round.study,
        by=by,
        target=f"suggestion {suggestion.id}",
    )
    db.session.flush()


def _accept(suggestion: Suggestion, item: Item) -> None:
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.resulting_item = item


def _require_free_code(study: Study, code: str) -> None:
    """A new item's code follows the rules of every code and is not yet used in the study."""
    problem = code_problem(code)
    if problem:
        raise RoundError(f"Item code {code!r} {problem}")
    if db.session.scalar(db.select(Item.id).filter_by(study_id=study.id, code=code)):
        raise RoundError(f"Item code {code} is already used in study {study.slug}.")


def _require_wording(text: str) -> None:
    problem = text_problem(text, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True)
    if problem:
        raise RoundError(f"The new wording {problem}")


def _next_items(study: Study, previous: Round) -> tuple[list[Item], list[Item]]:
    """The items the round after ``previous`` holds: those carried forward (retired ones too,
    for the count) and those never rated (new wordings, accepted suggestions, added items)."""
    rated_ever = set(
        db.session.scalars(
            db.select(RoundItem.item_id).join(Round).where(Round.study_id == study.id)
        )
    )
    carried = [ri.item for ri in previous.round_items if ri.decision is Decision.CARRY_FORWARD]
    fresh = [i for i in study.items if i.id not in rated_ever and not i.retired]
    return carried, fresh


@dataclass(frozen=True)
class LaunchPlan:
    """What opening the next round will do, said before it is done (the confirmation page)."""

    number: int
    carried_forward: list[Item]  # rated in the previous round and rated again
    reworded: list[Item]  # new wordings of items of the previous round
    new: list[Item]  # never rated: every item of round 1; accepted suggestions, added items
    panellists: int  # the panellists the round invites: one invitation each
    responders_only: bool  # only those who submitted the round before are invited

    @property
    def items(self) -> int:
        return len(self.carried_forward) + len(self.reworded) + len(self.new)


def launch_plan(study: Study) -> LaunchPlan:
    """The round that opening would launch now, with its items and invitations; raises
    RoundError, worded as opening would be refused, when no round can open."""
    if study.status is StudyStatus.COMPLETE:
        raise RoundError(f"Study {study.slug} is complete; no more rounds can be opened.")
    current = current_round(study)
    if current is not None and current.state is RoundState.OPEN:
        raise RoundError(f"Round {current.number} is open; close it before opening another round.")
    if current is None:
        number, carried, fresh = 1, [], [i for i in study.items if not i.retired]
    elif current.state is RoundState.DRAFT:
        number = current.number
        previous = {
            ri.item_id for r in study.rounds if r.number == number - 1 for ri in r.round_items
        }
        items = [ri.item for ri in current.round_items]
        carried = [i for i in items if i.id in previous]
        fresh = [i for i in items if i.id not in previous]
    else:
        number = current.number + 1
        carried, fresh = _next_items(study, current)
        carried = [i for i in carried if not i.retired]
    if not carried and not fresh:
        raise RoundError(
            "Round 1 has no items to rate." if number == 1 else _nothing_to_rate(number - 1)
        )
    return LaunchPlan(
        number=number,
        carried_forward=carried,
        reworded=[i for i in fresh if i.origin is ItemOrigin.REWORDING],
        new=[i for i in fresh if i.origin is not ItemOrigin.REWORDING],
        panellists=invitation_count(study, number),
        responders_only=invites_responders_only(study, number),
    )


def _nothing_to_rate(previous: int) -> str:
    return (
        f"No item is carried forward from round {previous} and none was added; "
        "mark the study complete instead."
    )


def prepare_next_round(study: Study, *, by: StaffUser | None = None) -> Round:
    """Create the next round as a draft: carried-forward items, new wordings and new items."""
    previous = current_round(study)
    if previous is None or previous.state is not RoundState.CLOSED:
        state = (
            "not started"
            if previous is None
            else f"round {previous.number} is {previous.state.value}"
        )
        raise RoundError(f"The next round is prepared after a round closes; {state}.")
    carried, fresh = _next_items(study, previous)
    items = [i for i in carried if not i.retired] + fresh
    if not items:
        raise RoundError(_nothing_to_rate(previous.number))
    round_ = Round(study=study, number=previous.number + 1)
    db.session.add(round_)
    add_round_items(round_, items)
    audit.record(
        "round.prepare",
        study=study,
        by=by,
        target=f"round {round_.number}",
        after={"carried_forward": len(carried), "new": len(fresh)},
    )
    db.session.flush()
    return round_


def launch_next_round(study: Study, *, closes_at=None, by: StaffUser | None = None) -> Round:
    """Prepare the next round from the decisions and open it (invitations are queued)."""
    current = current_round(study)
    if current is None or current.state is not RoundState.DRAFT:
        prepare_next_round(study, by=by)
    return open_round(study, closes_at=closes_at, by=by)


def require_completable(study: Study) -> None:
    """Refuse to complete a study with an open round, or one already complete."""
    current = current_round(study)
    if current is not None and current.state is RoundState.OPEN:
        raise RoundError(f"Round {current.number} is still open; close it first.")
    if study.status is StudyStatus.COMPLETE:
        raise RoundError(f"Study {study.slug} is already complete.")


def complete_study(study: Study, *, by: StaffUser | None = None) -> None:
    """Mark the study complete: no round opens again, and its decisions, rewordings and items
    are locked (``require_not_complete``) until an administrator reopens it."""
    require_completable(study)
    study.status = StudyStatus.COMPLETE
    audit.record("study.complete", study=study, by=by, target=study.slug)
    db.session.flush()


def reopen_study(study: Study, *, reason: str, by: StaffUser | None = None) -> None:
    """Reopen a complete study, so that its latest decisions, rewordings and items can change
    again; only an administrator may, and the reason is kept in the audit trail."""
    if by is not None and not by.is_admin:
        raise RoundError("Only an administrator can reopen a complete study.")
    if study.status is not StudyStatus.COMPLETE:
        raise RoundError(
            f"Study {study.slug} is {study.status.value}, not complete; there is nothing to reopen."
        )
    reason = (reason or "").strip()
    if not reason:
        raise RoundError(
            f"Give a reason for reopening study {study.slug}; it is kept in the audit trail."
        )
    problem = text_problem(reason, max_length=COMMENT_MAX_LENGTH, multiline=True)
    if problem:
        raise RoundError(f"The reason {problem}")
    study.status = StudyStatus.RUNNING if study.consensus_locked else StudyStatus.SETUP
    audit.record(
        "study.reopen",
        study=study,
        by=by,
        target=study.slug,
        before={"status": StudyStatus.COMPLETE.value},
        after={"status": study.status.value, "reason": reason},
    )
    db.session.flush()
