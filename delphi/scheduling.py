"""``delphi tick``: the scheduled work of every study, for cron, with no resident process.

Each run queues the reminders that have come due, closes rounds whose deadline has passed when
the study asks for that, deletes sign-ups left unconfirmed past their expiry, expires report
builds nobody came back for (``delphi.reports.builds.expire_builds``), and sends the outbox.
Reminders carry dedupe keys and closing checks the round's state, so a second run at the same
time changes nothing.

Reminders follow the deadline: a reminder is keyed by the deadline it counts down to as well as
its days before it, so one sent "2 days before" goes again only for a deadline that moved; and
after a move, a reminder whose time had already come is skipped (``delphi.rounds.deadline``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext

from delphi.commands import CommandError
from delphi.extensions import db
from delphi.mail.outbox import DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_SUBJECT, queue
from delphi.mail.sender import MailConfigError, SendReport, send_pending
from delphi.models import Round, RoundState, Study, utcnow
from delphi.reports.builds import expire_builds
from delphi.rounds.deadline import deadline_changed_at
from delphi.rounds.lifecycle import close_round
from delphi.rounds.reminders import unsubmitted
from delphi.signup.operations import delete_expired

# Recorded with a round closed at its deadline below the study's minimum response.
AUTO_CLOSE_REASON = "Closed automatically at its deadline."


@dataclass
class TickReport:
    reminders: int = 0
    closed: list[str] = field(default_factory=list)
    mail: SendReport | None = None
    expired_signups: int = 0
    expired_builds: int = 0
    forgotten_builds: int = 0

    def describe(self) -> str:
        lines = [f"{self.reminders} reminders queued."]
        lines += [f"Closed {closed} at its deadline." for closed in self.closed]
        if self.expired_signups:
            lines.append(f"{self.expired_signups} unconfirmed sign-ups expired and deleted.")
        if self.expired_builds:
            lines.append(f"{self.expired_builds} report builds expired: their files removed.")
        if self.forgotten_builds:
            lines.append(f"{self.forgotten_builds} expired or downloaded report builds forgotten.")
        if self.mail is not None:
            lines.append(f"Mail: {self.mail.describe()}")
        return "\n".join(lines)


def reminder_due(
    round_: Round, days: list[int], now: datetime, *, since: datetime | None = None
) -> int | None:
    """The latest reminder (days before the deadline) that is due now, or None.

    Reminders whose time came before the schedule started are skipped: before the round opened
    (the invitation just went) or, given as ``since``, before the deadline last moved. After a
    missed run only the latest due reminder goes, never several at once.
    """
    if round_.closes_at is None or now >= round_.closes_at:
        return None
    start = max((t for t in (round_.opened_at, since) if t is not None), default=None)
    due = []
    for day in days:
        moment = round_.closes_at - timedelta(days=day)
        if moment <= now and (start is None or moment > start):
            due.append(day)
    return min(due) if due else None


def queue_reminders(study: Study, round_: Round, days_before: int) -> int:
    """Queue the reminder to every active panellist who has not submitted; once per panellist
    and deadline."""
    queued = 0
    for panellist in unsubmitted(round_).panellists:
        message = queue(
            study=study,
            round_=round_,
            panellist=panellist,
            kind="reminder",
            subject=study.reminder_subject or DEFAULT_REMINDER_SUBJECT,
            body=study.reminder_body or DEFAULT_REMINDER_BODY,
            dedupe_key=f"reminder:{round_.id}:{round_.closes_at:%Y%m%dT%H%M}:{days_before}:"
            f"{panellist.id}",
        )
        queued += message is not None
    return queued


def tick(now: datetime | None = None) -> TickReport:
    """Do the scheduled work of every study with an open round, commit, then send the outbox."""
    now = now or utcnow()
    report = TickReport()
    open_rounds = db.session.scalars(
        db.select(Round).where(Round.state == RoundState.OPEN).order_by(Round.id)
    ).all()
    for round_ in open_rounds:
        study = round_.study
        if study.auto_close and round_.closes_at is not None and round_.closes_at <= now:
            close_round(round_, reason=AUTO_CLOSE_REASON)
            report.closed.append(f"{study.slug} round {round_.number}")
            continue
        days = [int(d) for d in study.reminder_days.split(",") if d.strip()]
        due = reminder_due(round_, days, now, since=deadline_changed_at(round_))
        if due is not None:
            report.reminders += queue_reminders(study, round_, due)
    report.expired_signups = delete_expired(now)
    report.expired_builds, report.forgotten_builds = expire_builds(now)
    db.session.commit()
    # The reminders just queued carry the moment they were written, after ``now``: send from
    # the later of the two clocks so they go out in this run, not the next.
    report.mail = send_pending(now=max(now, utcnow()))
    return report


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Queue due reminders, close rounds past their deadline (when asked), expire report
    builds nobody came back for, send e-mail."""
    try:
        report = tick()
    except MailConfigError as error:
        raise CommandError(str(error)) from error
    click.echo(report.describe())
