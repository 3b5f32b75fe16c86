"""The ``delphi`` command line: a Flask CLI group, so ``flask --app wsgi delphi ...`` works too.

Each package owns its commands (in its ``cli.py``, sharing ``delphi.commands``) and adds them
here; this module only assembles the group.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from delphi.auth.cli import staff_group
from delphi.backup import backup_command
from delphi.demo.cli import demo_command
from delphi.mail.cli import mail_group
from delphi.panel.cli import panel_group
from delphi.reports.bundle_cli import bundle_command
from delphi.reports.cli import export_command
from delphi.rounds.cli import responses_group, round_group
from delphi.scheduling import tick_command
from delphi.studies.cli import items_group, study_group
from delphi.worker_cli import worker_command

delphi_group = AppGroup("delphi", help="Run Delphi consensus studies from the command line.")


@delphi_group.command("init")
def init_command() -> None:
    """Create the database, or upgrade it to the latest schema."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


for command in (
    demo_command,
    panel_group,
    round_group,
    responses_group,
    study_group,
    staff_group,
    mail_group,
    tick_command,
    backup_command,
    export_command,
    bundle_command,
    items_group,
    worker_command,
):
    delphi_group.add_command(command)


def main() -> None:
    """Entry point of the ``delphi`` console script: the same commands as ``flask delphi``."""
    from flask.cli import ScriptInfo

    from delphi import create_app

    delphi_group.main(prog_name="delphi", obj=ScriptInfo(create_app=lambda: create_app()))
