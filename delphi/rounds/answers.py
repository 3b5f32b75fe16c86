"""Storing a panellist's answers: whole or not at all, one rating per item."""

from __future__ import annotations

from dataclasses import dataclass

from delphi.extensions import db
from delphi.models import (
    Rating,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    RoundState,
    SectionComment,
    utcnow,
)
from delphi.rounds import tally
from delphi.rounds.errors import AnswerError, RoundError


@dataclass(frozen=True)
class Answer:
    """One item's answer: a point on the scale, "unable to rate", or neither (not rated yet)."""

    round_item_id: int
    value: int | None = None
    unable: bool = False
    comment: str | None = None
    reason: str | None = None  # why the rating lies outside the group's interquartile range


def lock_response(response: Response) -> Response:
    """Re-read the response row with a row lock (PostgreSQL) so concurrent saves serialise.

    The round's row is re-read first with a shared lock: ``close_round`` takes it exclusively,
    so a save either commits before the round closes (and is counted) or sees it closed.
    """
    db.session.scalars(
        db.select(Round)
        .where(Round.id == response.round_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).one()
    return db.session.scalars(
        db.select(Response)
        .where(Response.id == response.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def validate(response: Response, answers: list[Answer]) -> dict[int, RoundItem]:
    """Check every answer before anything is written; raise AnswerError naming the field."""
    round_ = response.round
    study = round_.study
    in_round = {ri.id: ri for ri in round_.round_items}
    seen: set[int] = set()
    for answer in answers:
        field = f"rating-{answer.round_item_id}"
        round_item = in_round.get(answer.round_item_id)
        if round_item is None:
            raise AnswerError(
                f"Item {answer.round_item_id} is not in round {round_.number}.", field
            )
        if answer.round_item_id in seen:
            raise AnswerError(f"Item {round_item.code} is answered twice.", field)
        seen.add(answer.round_item_id)
        if answer.unable and answer.value is not None:
            raise AnswerError(
                f"Item {round_item.code}: choose a rating or unable to rate, not both.", field
            )
        if answer.unable and not study.unable_to_rate:
            raise AnswerError(
                f"Item {round_item.code}: this study does not offer unable to rate.", field
            )
        if answer.value is not None and not study.scale_min <= answer.value <= study.scale_max:
            raise AnswerError(
                f"Item {round_item.code}: the rating {answer.value} is outside the scale "
                f"{study.scale_min} to {study.scale_max}.",
                field,
            )
    return in_round


def save_answers(
    response: Response,
    answers: list[Answer],
    *,
    submit: bool,
    section_comments: dict[int, str] | None = None,
    imported: bool = False,
    late_draft: bool = False,
) -> Response:
    """Store answers as a draft, or submit them. Raises before writing anything if one is bad.

    Answers for items not listed are left as they were. Submitting again while the round is
    open replaces the earlier answers. ``late_draft`` keeps what a panellist typed when the round
    closed while they were answering: a draft of the closed round, never counted (only submitted
    responses enter the ratings matrix), and refused for a response that was submitted.
    """
    response = lock_response(response)
    round_ = response.round
    keeping_late_draft = (
        late_draft
        and not submit
        and round_.state is RoundState.CLOSED
        and response.status is not ResponseStatus.SUBMITTED
    )
    if round_.state is not RoundState.OPEN and not keeping_late_draft:
        raise RoundError(
            f"Round {round_.number} is {round_.state.value}; answers can no longer be changed."
        )
    panellist = response.panellist
    if not panellist.active:
        raise RoundError("This panellist has withdrawn from the study.")
    validate(response, answers)
    section_ids = {ri.section_id for ri in round_.round_items}
    for section_id in section_comments or {}:
        if section_id not in section_ids:
            raise AnswerError(
                f"Section {section_id} is not in round {round_.number}.",
                f"section-comment-{section_id}",
            )

    counted_before = tally.answers_of(response)
    existing = {r.round_item_id: r for r in response.ratings}
    for answer in answers:
        rating = existing.get(answer.round_item_id)
        if rating is None:
            rating = Rating(round_item_id=answer.round_item_id)
            response.ratings.append(rating)
        rating.value = answer.value
        rating.unable = answer.unable
        rating.comment = (answer.comment or "").strip() or None
        rating.reason = (answer.reason or "").strip() or None
    comments = {c.section_id: c for c in response.section_comments}
    for section_id, text in (section_comments or {}).items():
        text = (text or "").strip()
        if section_id in comments:
            if text:
                comments[section_id].comment = text
            else:
                db.session.delete(comments[section_id])
        elif text:
            response.section_comments.append(SectionComment(section_id=section_id, comment=text))

    now = utcnow()
    response.saved_at = now
    response.opened_at = response.opened_at or now
    response.imported = response.imported or imported
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
    elif response.status is not ResponseStatus.SUBMITTED:
        response.status = ResponseStatus.DRAFT
    db.session.flush()
    tally.apply(round_.id, counted_before, tally.answers_of(response))
    return response


def response_for(round_, panellist) -> Response:
    """The panellist's response to the round, created if the panellist joined after it opened."""
    response = db.session.scalar(
        db.select(Response).filter_by(round_id=round_.id, panellist_id=panellist.id)
    )
    if response is None:
        response = Response(round=round_, panellist=panellist, status=ResponseStatus.INVITED)
        db.session.add(response)
        db.session.flush()
    return response
