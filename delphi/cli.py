"""The ``delphi`` command line: a Flask CLI group, so ``flask --app wsgi delphi ...`` works too.

Each package owns its commands and adds them here; this module only assembles the group.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup, FlaskGroup


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
    from delphi.demo.cli import demo_command
    from delphi.panel.cli import panel_group
    from delphi.rounds.cli import responses_group, round_group
    from delphi.studies.cli import export_command, study_group

    for command in (demo_command, panel_group, round_group, responses_group, study_group,
                    export_command):
        delphi_group.add_command(command)


_register_package_commands()


def main() -> None:
    """Entry point of the ``delphi`` console script."""
    from delphi import create_app

    group = FlaskGroup(
        name="delphi",
        help=delphi_group.help,
        create_app=lambda: create_app(),
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
    )
    for name, command in delphi_group.commands.items():
        group.add_command(command, name)
    group.main(prog_name="delphi")
