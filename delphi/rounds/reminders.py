"""Reminding the panellists who have not submitted an open round.

The team sends a reminder when it chooses (``send_reminders``, from the round's dashboard or
``delphi mail remind``); the study's schedule sends its own (``delphi.scheduling``). Both go to
the same people, ``unsubmitted(round_)``: every active panellist with an e-mail address whose
answers to the round are not submitted. Nobody withdrawn, erased or submitted gets one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_

from delphi import audit
from delphi.extensions import db
from delphi.mail.outbox import DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_SUBJECT, queue
from delphi.models import (
    OutboxMessage,
    Panellist,
    Response,
    ResponseStatus,
    Round,
    RoundState,
    StaffUser,
    utcnow,
)
from delphi.rounds.errors import RoundError

# How a reminder sent on request is named in its dedupe key: the moment the team asked for it.
MOMENT_FORMAT = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class Unsubmitted:
    """The active panellists with an e-mail address who have not submitted a round."""

    not_started: list[Panellist]  # no answer saved: invited, or opened the link only
    drafts: list[Panellist]  # answers saved but not submitted

    @property
    def panellists(self) -> list[Panellist]:
        """All of them, in panel order."""
        return sorted(self.not_started + self.drafts, key=lambda panellist: panellist.id)

    def describe(self) -> str:
        """ "3 panellists who have not submitted (2 not started, 1 with a draft)"."""
        count = len(self.panellists)
        return (
            f"{count} panellist{'s' * (count != 1)} who {'have' if count != 1 else 'has'} "
            f"not submitted ({len(self.not_started)} not started, {len(self.drafts)} with a "
            "draft)"
        )


def unsubmitted(round_: Round) -> Unsubmitted:
    """Who a reminder or a notice about the round goes to, in panel order (one query)."""
    rows = db.session.execute(
        db.select(Panellist, Response.status)
        .join(
            Response,
            and_(Response.panellist_id == Panellist.id, Response.round_id == round_.id),
            isouter=True,
        )
        .where(
            Panellist.study_id == round_.study_id,
            Panellist.withdrawn_at.is_(None),
            Panellist.erased_at.is_(None),
            Panellist.email.is_not(None),
        )
        .order_by(Panellist.id)
    ).all()
    not_started = [
        p for p, status in rows if status not in (ResponseStatus.DRAFT, ResponseStatus.SUBMITTED)
    ]
    drafts = [p for p, status in rows if status is ResponseStatus.DRAFT]
    return Unsubmitted(not_started=not_started, drafts=drafts)


def lock(round_: Round) -> None:
    """Take the round's row lock (PostgreSQL) and reload it, so that two requests changing it at
    once (a double click) run one after the other and the second sees what the first did."""
    db.session.scalars(
        db.select(Round)
        .where(Round.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def reminder_refusal(round_: Round, now: datetime | None = None) -> str | None:
    """Why no reminder can be sent for the round now, or None when one can."""
    if round_.state is not RoundState.OPEN:
        return (
            f"Round {round_.number} is {round_.state.value}; reminders are sent only while a "
            "round is open."
        )
    if round_.closes_at is not None and round_.closes_at <= (now or utcnow()):
        return (
            f"Round {round_.number}'s deadline, {round_.closes_at:%d %B %Y, %H:%M} UTC, has "
            "passed, and a reminder would give that date: set a later deadline first (it can "
            "tell the panellists who have not submitted), or close the round."
        )
    return None


def last_reminder_at(round_: Round) -> datetime | None:
    """When the round's latest reminder (sent on request or by the schedule) was queued."""
    return db.session.scalar(
        db.select(db.func.max(OutboxMessage.created_at)).filter_by(
            round_id=round_.id, kind="reminder"
        )
    )


@dataclass(frozen=True)
class Reminded:
    """What ``send_reminders`` did: who had not submitted, and how many reminders it queued."""

    round_: Round
    waiting: Unsubmitted
    queued: int

    def describe(self) -> str:
        if not self.waiting.panellists:
            return (
                f"Every active panellist has submitted round {self.round_.number}: nobody "
                "to remind."
            )
        if not self.queued:
            return (
                f"This reminder was already queued for the {self.waiting.describe()}; "
                "nothing was queued again."
            )
        return (
            f"{self.queued} reminder{'s' * (self.queued != 1)} queued for the "
            f"{self.waiting.describe()}."
        )


def send_reminders(round_: Round, *, moment: datetime, by: StaffUser | None = None) -> Reminded:
    """Queue a reminder to every active panellist who has not submitted the open round.

    ``moment`` is when the team asked (the confirmation page's time, or the command's minute):
    the reminders carry it in their dedupe key, so the same request submitted twice queues them
    once, and a reminder asked for later is queued again. The study's reminder text is used.
    """
    lock(round_)
    refusal = reminder_refusal(round_)
    if refusal is not None:
        raise RoundError(refusal)
    study = round_.study
    waiting = unsubmitted(round_)
    queued = 0
    for panellist in waiting.panellists:
        message = queue(
            study=study,
            round_=round_,
            panellist=panellist,
            kind="reminder",
            subject=study.reminder_subject or DEFAULT_REMINDER_SUBJECT,
            body=study.reminder_body or DEFAULT_REMINDER_BODY,
            dedupe_key=f"reminder:{round_.id}:at-{moment:{MOMENT_FORMAT}}:{panellist.id}",
        )
        queued += message is not None
    if queued:
        audit.record(
            "round.remind",
            study=study,
            by=by,
            target=f"round {round_.number}",
            after={
                "queued": queued,
                "not_started": len(waiting.not_started),
                "drafts": len(waiting.drafts),
            },
        )
    db.session.flush()
    return Reminded(round_=round_, waiting=waiting, queued=queued)
