"""A panellist's own answers across every round, for the "my answers" page."""

from __future__ import annotations

from dataclasses import dataclass

from delphi.extensions import db
from delphi.models import Panellist, Rating, Response, ResponseStatus, Round, RoundItem, RoundState
from delphi.questionnaire.standing import Questionnaire


@dataclass
class AnsweredItem:
    code: str
    text: str
    value: int | None
    unable: bool
    comment: str | None


@dataclass
class RoundAnswers:
    """One round as the panellist answered it."""

    number: int
    state: RoundState
    status: ResponseStatus
    items: list[AnsweredItem]

    @property
    def counted(self) -> bool:
        """Whether these answers enter the round's results (only submitted answers do)."""
        return self.status is ResponseStatus.SUBMITTED

    @property
    def late_draft(self) -> bool:
        """A draft left when the round closed: kept for the panellist, never counted."""
        return self.state is RoundState.CLOSED and not self.counted


def answered_items(questionnaire: Questionnaire) -> list[AnsweredItem]:
    """The answers stored in one loaded questionnaire, item by item."""
    items = []
    for round_item in questionnaire.round_items:
        rating = questionnaire.ratings.get(round_item.id)
        items.append(
            AnsweredItem(
                code=round_item.code,
                text=round_item.text,
                value=rating.value if rating else None,
                unable=bool(rating and rating.unable),
                comment=rating.comment if rating else None,
            )
        )
    return items


def answers_history(panellist: Panellist) -> list[RoundAnswers]:
    """Every round the panellist was invited to, newest first, in three queries."""
    responses = db.session.execute(
        db.select(Response.id, Response.round_id, Response.status, Round.number, Round.state)
        .join(Round, Round.id == Response.round_id)
        .where(Response.panellist_id == panellist.id, Round.state != RoundState.DRAFT)
        .order_by(Round.number.desc())
    ).all()
    round_ids = [r.round_id for r in responses]
    round_items = db.session.scalars(
        db.select(RoundItem)
        .where(RoundItem.round_id.in_(round_ids))
        .order_by(RoundItem.position, RoundItem.id)
    ).all()
    ratings = {
        (r.response_id, r.round_item_id): r
        for r in db.session.scalars(
            db.select(Rating).where(Rating.response_id.in_([r.id for r in responses]))
        )
    }

    history = []
    for response in responses:
        items = []
        for round_item in round_items:
            if round_item.round_id != response.round_id:
                continue
            rating = ratings.get((response.id, round_item.id))
            items.append(
                AnsweredItem(
                    code=round_item.code,
                    text=round_item.text,
                    value=rating.value if rating else None,
                    unable=bool(rating and rating.unable),
                    comment=rating.comment if rating else None,
                )
            )
        history.append(RoundAnswers(response.number, response.state, response.status, items))
    return history
