"""The ``delphi`` command line: a Flask CLI group, so ``flask --app wsgi delphi ...`` works too.

Each package owns its commands and adds them here; this module only assembles the group.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup


class CommandError(click.ClickException):
    """A command failed for a reason the user can act on; printed without a traceback."""


delphi_group = AppGroup("delphi", help="Run Delphi consensus studies from the command line.")


@delphi_group.command("init")
def init_command() -> None:
    """Create the database, or upgrade it to the latest schema."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


def _register_package_commands() -> None:
    from delphi.auth.cli import staff_group
    from delphi.backup import backup_command
    from delphi.demo.cli import demo_command
    from delphi.mail.cli import mail_group
    from delphi.panel.cli import panel_group
    from delphi.reports.cli import api_token_command, export_command
    from delphi.rounds.cli import responses_group, round_group
    from delphi.scheduling import tick_command
    from delphi.studies.cli import study_group
    from delphi.studies.items_cli import items_group

    staff_group.add_command(api_token_command)  # delphi staff token EMAIL
    for command in (demo_command, panel_group, round_group, responses_group, study_group,
                    staff_group, mail_group, tick_command, backup_command, export_command,
                    items_group):
        delphi_group.add_command(command)


_register_package_commands()


def main() -> None:
    """Entry point of the ``delphi`` console script: the same commands as ``flask delphi``."""
    from flask.cli import ScriptInfo

    from delphi import create_app

    delphi_group.main(prog_name="delphi", obj=ScriptInfo(create_app=lambda: create_app()))
