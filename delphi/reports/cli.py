"""``delphi export`` and ``delphi staff token``: reports and API tokens from the command line."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from delphi.cli import CommandError
from delphi.extensions import db
from delphi.models import Round, RoundItem, StaffUser
from delphi.reports import FORMATS, ReportError, export, find_study
from delphi.auth.api_tokens import issue_api_token, revoke_api_token

# Studies with more round items than this get a progress bar while the report is built.
PROGRESS_FROM = 200


@click.command("export")
@click.argument("slug")
@click.option("--round", "round_number", type=click.IntRange(min=1),
              help="Report one closed round only (default: every closed round).")
@click.option("--format", "format_name", type=click.Choice(list(FORMATS)), default="csv",
              show_default=True, help="csv: item table; xlsx: workbook; json: data; html and "
              "pdf: the report; raw: ratings in long format with a codebook (ZIP).")
@click.option("--output", type=click.Path(path_type=Path),
              required=True, help="The file to write.")
@with_appcontext
def export_command(slug: str, round_number: int | None, format_name: str, output: Path) -> None:
    """Export a study's consensus report or data."""
    if not output.parent.is_dir():
        raise CommandError(f"Cannot write {output}: the folder {output.parent} does not exist.")
    try:
        study = find_study(slug)
        total = db.session.scalar(
            db.select(db.func.count(RoundItem.id)).join(Round).where(Round.study_id == study.id))
        if total >= PROGRESS_FROM:
            with click.progressbar(length=total, label="Reading rounds", file=sys.stderr) as bar:
                content = export(study, format_name, round_number, on_round=bar.update)
        else:
            content = export(study, format_name, round_number)
    except ReportError as error:
        raise CommandError(str(error)) from error
    try:
        output.write_bytes(content)
    except OSError as error:
        raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from error
    click.echo(f"Wrote {output} ({FORMATS[format_name].name}, {len(content):,} bytes).")


@click.command("token")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Remove the account's API token instead.")
@with_appcontext
def api_token_command(email: str, revoke: bool) -> None:
    """Issue a new API token for a staff account (shown once), or revoke it."""
    user = db.session.scalar(db.select(StaffUser).filter(
        db.func.lower(StaffUser.email) == email.strip().lower()))
    if user is None:
        raise CommandError(f"No staff account has the e-mail {email}.")
    if revoke:
        removed = revoke_api_token(user)
        db.session.commit()
        click.echo(f"Revoked the API token of {user.email}." if removed
                   else f"{user.email} had no API token.")
        return
    token = issue_api_token(user)
    db.session.commit()
    click.echo(f"API token for {user.email} (shown once; any earlier token no longer works):")
    click.echo(token)
