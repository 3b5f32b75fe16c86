"""``delphi items import SLUG FILE``: add sections and items from a CSV or Excel file."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from delphi.cli import CommandError
from delphi.studies.cli import FILE, one_transaction, study_by_slug
from delphi.studies.items_import import ItemsLocked, import_items

items_group = AppGroup("items", help="Import a study's sections and items.")


@items_group.command("import")
@click.argument("slug")
@click.argument("items_file", type=FILE)
def import_command(slug: str, items_file: Path) -> None:
    """Add sections and items from a CSV or .xlsx file (section, code, text[, explanation])."""
    study = study_by_slug(slug)
    try:
        with one_transaction():
            imported = import_items(study, items_file.read_bytes(), str(items_file))
    except ItemsLocked as error:
        raise CommandError(str(error)) from error
    new = set(imported.new_sections)
    click.echo(f"Added {len(imported.items)} items to {slug}:")
    for section in sorted({item.section for item in imported.items}, key=lambda s: s.position):
        codes = [item.code for item in imported.items if item.section is section]
        span = codes[0] if len(codes) == 1 else f"{codes[0]} to {codes[-1]}"
        label = " (new section)" if section in new else ""
        click.echo(f"  {section.code} {section.title}{label}: {len(codes)} ({span})")
