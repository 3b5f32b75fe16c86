"""``delphi bundle``: a study's supplementary bundle (ZIP) from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from delphi.collector import collector_paused
from delphi.commands import CommandError, one_transaction, study_by_slug
from delphi.reports.bundle import build_bundle


@click.command("bundle")
@click.argument("slug")
@click.option("--output", type=click.Path(path_type=Path), required=True, help="The ZIP to write.")
@with_appcontext
def bundle_command(slug: str, output: Path) -> None:
    """Write the supplementary bundle: report, tables, questionnaires, messages, study file,
    the consensus definition's history and the raw data (recorded in the audit trail)."""
    if not output.parent.is_dir():
        raise CommandError(f"Cannot write {output}: the folder {output.parent} does not exist.")
    study = study_by_slug(slug)
    with one_transaction(), collector_paused():
        content = build_bundle(study)
    try:
        output.write_bytes(content)
    except OSError as error:
        raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from error
    click.echo(f"Wrote {output} (supplementary bundle, {len(content):,} bytes).")
