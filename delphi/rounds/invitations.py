"""Who a round invites, and inviting them: every active panellist, or after round 1, when the
study invites only responders, those who submitted the round before. The confirmation before
opening counts the same panellists that opening then invites."""

from __future__ import annotations

import sqlalchemy as sa

from delphi.extensions import db
from delphi.mail.outbox import queue_invitations
from delphi.models import (
    InviteTo,
    Panellist,
    Response,
    ResponseStatus,
    Round,
    Study,
    utcnow,
)

# Panellists invited per batch when a round opens.
_INVITE_BATCH = 2_000


def invites_responders_only(study: Study, number: int) -> bool:
    """Whether round ``number`` invites only those who submitted the round before it."""
    return study.invite_to is InviteTo.RESPONDERS and number > 1


def eligible_panellists(study: Study, number: int) -> sa.Select:
    """The ids of the panellists round ``number`` invites: every active panellist, or after round
    1, when the study invites only responders, those who submitted the round before."""
    eligible = db.select(Panellist.id).filter_by(
        study_id=study.id, withdrawn_at=None, erased_at=None
    )
    if invites_responders_only(study, number):
        eligible = eligible.where(
            Panellist.id.in_(
                db.select(Response.panellist_id)
                .join(Round, Response.round_id == Round.id)
                .where(
                    Round.study_id == study.id,
                    Round.number == number - 1,
                    Response.status == ResponseStatus.SUBMITTED,
                )
            )
        )
    return eligible


def invitation_count(study: Study, number: int) -> int:
    """How many panellists opening round ``number`` would invite (counted, not loaded)."""
    query = db.select(db.func.count()).select_from(eligible_panellists(study, number).subquery())
    return db.session.scalar(query) or 0


def invite_panel(study: Study, round_: Round) -> None:
    """Invite every active panellist not yet invited to ``round_`` and queue their invitation;
    after round 1, when the study invites only responders, only those who submitted the round
    before.

    In bulk, a batch of panellists at a time, read as rows: a panel of 20,000 is invited in a
    few dozen statements and never held in memory whole.
    """
    now = utcnow()
    db.session.flush()
    eligible = eligible_panellists(study, round_.number)
    invited = set(
        db.session.scalars(db.select(Response.panellist_id).filter_by(round_id=round_.id))
    )
    last_id = 0
    while True:
        batch = db.session.execute(
            db.select(Panellist.id, Panellist.name, Panellist.email)
            .where(Panellist.id.in_(eligible), Panellist.id > last_id)
            .order_by(Panellist.id)
            .limit(_INVITE_BATCH)
        ).all()
        if not batch:
            break
        last_id = batch[-1].id
        new = [
            {
                "round_id": round_.id,
                "panellist_id": pid,
                "status": ResponseStatus.INVITED,
                "invited_at": now,
            }
            for pid, _, _ in batch
            if pid not in invited
        ]
        if new:
            db.session.execute(db.insert(Response), new)
        queue_invitations(study, round_, [tuple(row) for row in batch])
    db.session.expire(round_, ["responses"])
