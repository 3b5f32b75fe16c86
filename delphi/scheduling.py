"""``delphi tick``: the scheduled work of every study, for cron, with no resident process.

Each run queues the reminders that have come due, closes rounds whose deadline has passed when
the study asks for that, and sends the outbox. Reminders carry dedupe keys and closing checks
the round's state, so a second run at the same time changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext

from delphi.extensions import db
from delphi.mail.outbox import DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_SUBJECT, queue
from delphi.mail.sender import MailConfigError, SendReport, send_pending
from delphi.models import (Panellist, Response, ResponseStatus, Round, RoundState, Study,
                           utcnow)
from delphi.rounds.lifecycle import close_round


@dataclass
class TickReport:
    reminders: int = 0
    closed: list[str] = field(default_factory=list)
    mail: SendReport | None = None

    def describe(self) -> str:
        lines = [f"{self.reminders} reminders queued."]
        lines += [f"Closed {closed} at its deadline." for closed in self.closed]
        if self.mail is not None:
            lines.append(f"Mail: {self.mail.describe()}")
        return "\n".join(lines)


def reminder_due(round_: Round, days: list[int], now: datetime) -> int | None:
    """The latest reminder (days before the deadline) that is due now, or None.

    Reminders whose time came before the round opened are skipped (the invitation just went),
    and after a missed run only the latest due reminder goes, never several at once.
    """
    if round_.closes_at is None or now >= round_.closes_at:
        return None
    due = []
    for day in days:
        moment = round_.closes_at - timedelta(days=day)
        if moment <= now and (round_.opened_at is None or moment > round_.opened_at):
            due.append(day)
    return min(due) if due else None


def queue_reminders(study: Study, round_: Round, days_before: int) -> int:
    """Queue the reminder to every active panellist who has not submitted; once per panellist."""
    submitted = db.select(Response.panellist_id).where(
        Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
    panellists = db.session.scalars(
        db.select(Panellist).where(
            Panellist.study_id == study.id, Panellist.withdrawn_at.is_(None),
            Panellist.erased_at.is_(None), Panellist.id.not_in(submitted))
        .order_by(Panellist.id)).all()
    queued = 0
    for panellist in panellists:
        message = queue(
            study=study, round_=round_, panellist=panellist, kind="reminder",
            subject=study.reminder_subject or DEFAULT_REMINDER_SUBJECT,
            body=study.reminder_body or DEFAULT_REMINDER_BODY,
            dedupe_key=f"reminder:{round_.id}:{days_before}:{panellist.id}")
        queued += message is not None
    return queued


def tick(now: datetime | None = None) -> TickReport:
    """Do the scheduled work of every study with an open round, commit, then send the outbox."""
    now = now or utcnow()
    report = TickReport()
    open_rounds = db.session.scalars(
        db.select(Round).where(Round.state == RoundState.OPEN).order_by(Round.id)).all()
    for round_ in open_rounds:
        study = round_.study
        if study.auto_close and round_.closes_at is not None and round_.closes_at <= now:
            close_round(round_)
            report.closed.append(f"{study.slug} round {round_.number}")
            continue
        days = [int(d) for d in study.reminder_days.split(",") if d.strip()]
        due = reminder_due(round_, days, now)
        if due is not None:
            report.reminders += queue_reminders(study, round_, due)
    db.session.commit()
    # The reminders just queued carry the moment they were written, after ``now``: send from
    # the later of the two clocks so they go out in this run, not the next.
    report.mail = send_pending(now=max(now, utcnow()))
    return report


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Queue due reminders, close rounds past their deadline (when asked), send e-mail."""
    from delphi.cli import CommandError  # delphi.cli imports this module to register the command

    try:
        report = tick()
    except MailConfigError as error:
        raise CommandError(str(error)) from error
    click.echo(report.describe())
