"""``delphi staff``: create staff accounts, assign them to studies and issue their API tokens
from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from delphi.auth.accounts import AccountError, assign, create_staff
from delphi.auth.api_tokens import issue_api_token, revoke_api_token
from delphi.commands import one_transaction, staff_by_email, study_by_slug
from delphi.models import Role

staff_group = AppGroup("staff", help="Staff accounts of the research team.")


@staff_group.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="admin: staff accounts and every study; coordinator: assigned studies.",
)
@click.option("--name", default="", help="The person's name, shown in the audit trail.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
def create_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account (the first one should be an admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with one_transaction(AccountError):
        user = create_staff(email, role=Role(role), password=password, name=name)
    click.echo(f"Created {user.role.value} account {user.email}.")


@staff_group.command("assign")
@click.argument("email")
@click.argument("slug")
def assign_command(email: str, slug: str) -> None:
    """Assign a staff account to a study, so a coordinator can run it."""
    user = staff_by_email(email)
    study = study_by_slug(slug)
    with one_transaction():
        assigned = assign(user, study)
    if assigned:
        click.echo(f"{user.email} is now assigned to {study.slug}.")
    else:
        click.echo(f"{user.email} was already assigned to {study.slug}.")


@staff_group.command("token")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Remove the account's API token instead.")
def api_token_command(email: str, revoke: bool) -> None:
    """Issue a new API token for a staff account (shown once), or revoke it."""
    user = staff_by_email(email)
    if revoke:
        with one_transaction():
            removed = revoke_api_token(user)
        click.echo(
            f"Revoked the API token of {user.email}."
            if removed
            else f"{user.email} had no API token."
        )
        return
    with one_transaction():
        token = issue_api_token(user)
    click.echo(f"API token for {user.email} (shown once; any earlier token no longer works):")
    click.echo(token)
