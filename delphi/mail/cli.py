"""``delphi mail send``: deliver the outbox (also done by ``delphi tick``)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from delphi.cli import CommandError
from delphi.mail.sender import MailConfigError, send_pending

mail_group = AppGroup("mail", help="E-mail to panellists.")


@mail_group.command("send")
def send_command() -> None:
    """Send every pending message that is due; failures are retried later with back-off."""
    try:
        report = send_pending()
    except MailConfigError as error:
        raise CommandError(str(error)) from error
    click.echo(report.describe())
