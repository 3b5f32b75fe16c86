"""``delphi mail send``: deliver the outbox (also done by ``delphi tick``); ``delphi mail
retry`` and ``delphi mail remind``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from delphi.commands import CommandError, latest_round, one_transaction, study_by_slug
from delphi.mail.sender import MailConfigError, retry_failed, send_pending
from delphi.models import utcnow
from delphi.rounds.reminders import send_reminders

mail_group = AppGroup("mail", help="E-mail to panellists.")


@mail_group.command("send")
def send_command() -> None:
    """Send every pending message that is due; failures are retried later with back-off."""
    try:
        report = send_pending()
    except MailConfigError as error:
        raise CommandError(str(error)) from error
    click.echo(report.describe())


@mail_group.command("retry")
@click.argument("slug")
def retry_command(slug: str) -> None:
    """Queue a study's failed messages again (after the cause is dealt with)."""
    with one_transaction():
        count = retry_failed(study_by_slug(slug))
    click.echo(f"{count} failed messages queued again; they go out with the next send.")


@mail_group.command("remind")
@click.argument("slug")
@click.option("--send", is_flag=True, help="Deliver the outbox straight after queuing.")
def remind_command(slug: str, send: bool) -> None:
    """Remind the active panellists who have not submitted the open round, now.

    Run twice within the same minute, the second run queues nothing again.
    """
    study = study_by_slug(slug)
    with one_transaction():
        round_ = latest_round(study)
        # The minute names the reminder: a repeated run within it queues nothing twice.
        reminded = send_reminders(round_, moment=utcnow().replace(second=0, microsecond=0))
    click.echo(f"Round {round_.number} of {slug}: {reminded.describe()}")
    if not send:
        if reminded.queued:
            click.echo("They go out with the next delphi mail send or delphi tick.")
        return
    try:
        report = send_pending(study=study)
    except MailConfigError as error:
        raise CommandError(str(error)) from error
    click.echo(f"Mail: {report.describe()}")
