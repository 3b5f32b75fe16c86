"""``delphi demo``: load the demo study into an empty database and say how to look at it."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from delphi.commands import CommandError, warn_if_base_url_unset
from delphi.demo.loader import database_holds_data, load_demo
from delphi.extensions import db
from delphi.models import SignupState
from delphi.panel.tokens import link_base
from delphi.refusal import Refused

ALREADY_LOADED = "The database already holds data; the demo was not loaded."


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load the demo only if the database holds no study; otherwise do nothing.",
)
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo study: a Delphi on the Connecting People Intervention's practice guidance.

    Round 1 is closed with simulated ratings and comments from 30 fictional panellists, and
    round 2 is open. Prints a staff login and three panellist links.
    """
    if database_holds_data():
        if if_empty:
            click.echo(ALREADY_LOADED)
            return
        raise CommandError(
            "The database already holds a study; the demo is loaded only into an empty "
            "database (use --if-empty to skip quietly, or point DATABASE_URL at a new database)."
        )
    try:
        demo = load_demo()
    except Refused as error:
        db.session.rollback()
        raise CommandError(
            f"The demo could not be loaded; the database is unchanged.\n{error}"
        ) from error
    db.session.commit()

    base = link_base()
    warn_if_base_url_unset(base)
    click.echo(f"Loaded the demo study {demo.study.slug!r}: {demo.study.title}.")
    if demo.admin_password is None:
        click.echo(
            f"Staff login: {base}/login as {demo.admin_email} (existing account, "
            "password unchanged)"
        )
    else:
        click.echo(
            f"Staff login: {base}/login as {demo.admin_email} with password "
            f"{demo.admin_password} (shown only now)"
        )
    if demo.study.signup is not SignupState.OFF:
        click.echo(f"Sign-up page: {base}/signup/{demo.study.slug}")
    click.echo("Panellist links:")
    for link in demo.links:
        click.echo(f"  {link.panellist.name} ({link.panellist.group}) {link.label}: {link.url}")
