"""``delphi export``: a study's consensus report or data from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from delphi.collector import collector_paused
from delphi.commands import CommandError, study_by_slug
from delphi.extensions import db
from delphi.models import Round, RoundItem
from delphi.reports import FORMATS, ReportError, export

# Studies with more round items than this get a progress bar while the report is built.
PROGRESS_FROM = 200


@click.command("export")
@click.argument("slug")
@click.option(
    "--round",
    "round_number",
    type=click.IntRange(min=1),
    help="Report one closed round only (default: every closed round).",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),
    default="csv",
    show_default=True,
    help="csv: item table; xlsx: workbook; json: data; html and "
    "pdf: the report; raw: ratings in long format with a codebook (ZIP); accord: the "
    "pre-filled ACCORD checklist (CSV).",
)
@click.option("--output", type=click.Path(path_type=Path), required=True, help="The file to write.")
@with_appcontext
def export_command(slug: str, round_number: int | None, format_name: str, output: Path) -> None:
    """Export a study's consensus report or data."""
    if not output.parent.is_dir():
        raise CommandError(f"Cannot write {output}: the folder {output.parent} does not exist.")
    study = study_by_slug(slug)
    try:
        total = db.session.scalar(
            db.select(db.func.count(RoundItem.id)).join(Round).where(Round.study_id == study.id)
        )
        with collector_paused():
            if total >= PROGRESS_FROM:
                with click.progressbar(
                    length=total, label="Reading rounds", file=sys.stderr
                ) as bar:
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
