"""``delphi staff``: create staff accounts and assign them to studies from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from delphi.auth.accounts import AccountError, assign, create_staff, find_staff
from delphi.cli import CommandError
from delphi.extensions import db
from delphi.models import Role, Study

staff_group = AppGroup("staff", help="Staff accounts of the research team.")


@staff_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="admin: staff accounts and every study; coordinator: assigned studies.")
@click.option("--name", default="", help="The person's name, shown in the audit trail.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
def create_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account (the first one should be an admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_staff(email, role=Role(role), password=password, name=name)
    except AccountError as error:
        raise CommandError(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email}.")


@staff_group.command("assign")
@click.argument("email")
@click.argument("slug")
def assign_command(email: str, slug: str) -> None:
    """Assign a staff account to a study, so a coordinator can run it."""
    user = find_staff(email)
    if user is None:
        raise CommandError(f"No staff account has the e-mail {email}.")
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    if study is None:
        raise CommandError(f"No study has the slug {slug}.")
    if assign(user, study):
        db.session.commit()
        click.echo(f"{user.email} is now assigned to {study.slug}.")
    else:
        click.echo(f"{user.email} was already assigned to {study.slug}.")
