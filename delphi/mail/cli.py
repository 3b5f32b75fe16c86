"""``delphi mail send``: deliver the outbox (also done by ``delphi tick``); ``delphi mail retry``."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from delphi.cli import CommandError
from delphi.mail.sender import MailConfigError, retry_failed, send_pending
from delphi.studies.cli import one_transaction, study_by_slug

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
