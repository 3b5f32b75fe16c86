"""An open round's deadline: moving it, telling the panel, and what a passed deadline means.

A deadline is stored in UTC. When it passes, a study with ``auto_close`` has its round closed by
the next ``delphi tick``; any other round stays open and keeps accepting answers until the team
closes it, and both the dashboard and the panellists' pages say so.

The study's reminder schedule (days before the deadline) follows the deadline: after a change,
each reminder is due at its time before the new deadline, and one whose time had already come
when the deadline changed is skipped, as one whose time came before the round opened is. The
round keeps no column for the moment of the change: the audit event that ``change_deadline``
records is that record (``deadline_changed_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from delphi import audit
from delphi.extensions import db
from delphi.mail.outbox import DEFAULT_DEADLINE_BODY, DEFAULT_DEADLINE_SUBJECT, queue
from delphi.models import AuditEvent, Round, RoundState, StaffUser, utcnow
from delphi.rounds.errors import RoundError
from delphi.rounds.reminders import lock, unsubmitted

# A deadline given as a date closes at the end of that day in the study's time zone.
END_OF_DAY = time(23, 59)

CHANGED = "round.deadline"  # the deadline moved (and perhaps the panel was told)
NOTICE_ONLY = "round.deadline_notice"  # the panel was told of a deadline that did not move


def end_of_day(day: date, time_zone: str) -> datetime:
    """The moment a deadline given as ``day`` stands for: 23:59 that day where the study is
    (its ``time_zone``), as the naive UTC time deadlines are stored in."""
    local = datetime.combine(day, END_OF_DAY, tzinfo=ZoneInfo(time_zone))
    return local.astimezone(UTC).replace(tzinfo=None)


def deadline_passed(round_: Round, now: datetime | None = None) -> bool:
    """The round is open past its deadline: answers are accepted until the team closes it."""
    return (
        round_.state is RoundState.OPEN
        and round_.closes_at is not None
        and round_.closes_at <= (now or utcnow())
    )


def deadline_text(closes_at: datetime | None) -> str:
    """A deadline as the console writes it: "14 March 2025, 23:59 UTC"."""
    return f"{closes_at:%d %B %Y, %H:%M} UTC" if closes_at else "none"


def deadline_changed_at(round_: Round) -> datetime | None:
    """When the round's deadline last moved (None: it never did since the round opened)."""
    return db.session.scalar(
        db.select(db.func.max(AuditEvent.created_at)).filter_by(
            study_id=round_.study_id, action=CHANGED, target=f"round {round_.number}"
        )
    )


@dataclass(frozen=True)
class DeadlineChange:
    """What ``change_deadline`` did."""

    round_: Round
    before: datetime | None
    after: datetime
    notify: bool  # the team asked for the panel to be told
    notified: int  # notices queued

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def describe(self) -> str:
        number = self.round_.number
        if self.changed:
            text = (
                f"Round {number} now closes on {deadline_text(self.after)} (it was "
                f"{deadline_text(self.before)})."
            )
        else:
            text = f"Round {number} already closes on {deadline_text(self.after)}: unchanged."
        if self.notified:
            text += (
                f" A notice of the deadline is queued for {self.notified} panellist"
                f"{'s' * (self.notified != 1)} who {'have' if self.notified != 1 else 'has'}"
                " not submitted."
            )
        elif self.notify:
            text += (
                " No notice was queued: every active panellist has submitted, or was "
                "already told of this deadline."
            )
        return text


def change_deadline(
    round_: Round, closes_at: datetime, *, notify: bool = False, by: StaffUser | None = None
) -> DeadlineChange:
    """Move an open round's deadline to ``closes_at`` (UTC), which must be in the future.

    With ``notify``, every active panellist who has not submitted gets a notice of the new
    deadline through the outbox, once per deadline: a second request for the same deadline (a
    double click) queues nothing again and records nothing.
    """
    lock(round_)
    if round_.state is not RoundState.OPEN:
        raise RoundError(
            f"Round {round_.number} is {round_.state.value}; only an open round's "
            "deadline can be changed."
        )
    if closes_at <= utcnow():
        raise RoundError(
            f"The new deadline, {deadline_text(closes_at)}, is in the past; choose a later date."
        )
    before = round_.closes_at
    round_.closes_at = closes_at
    notified = _notify(round_) if notify else 0
    change = DeadlineChange(
        round_=round_, before=before, after=closes_at, notify=notify, notified=notified
    )
    if change.changed or notified:
        audit.record(
            CHANGED if change.changed else NOTICE_ONLY,
            study=round_.study,
            by=by,
            target=f"round {round_.number}",
            before={"closes_at": before.isoformat() if before else None},
            after={"closes_at": closes_at.isoformat(), "notified": notified},
        )
    db.session.flush()
    return change


def _notify(round_: Round) -> int:
    """Queue the notice of the round's (new) deadline to those who have not submitted."""
    queued = 0
    for panellist in unsubmitted(round_).panellists:
        message = queue(
            study=round_.study,
            round_=round_,
            panellist=panellist,
            kind="deadline",
            subject=DEFAULT_DEADLINE_SUBJECT,
            body=DEFAULT_DEADLINE_BODY,
            dedupe_key=f"deadline:{round_.id}:{round_.closes_at:%Y%m%dT%H%M}:{panellist.id}",
        )
        queued += message is not None
    return queued
