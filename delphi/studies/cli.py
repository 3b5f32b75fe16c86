"""``delphi study ...``: create a study from a study file, list studies, export, complete,
reopen and delete; ``delphi items import``: add sections and items from a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from delphi.commands import FILE, one_transaction, study_by_slug
from delphi.extensions import db
from delphi.models import Study
from delphi.rounds.review import complete_study, reopen_study
from delphi.studies.deletion import delete_study, remove_files, study_contents
from delphi.studies.export import export_study_file
from delphi.studies.items_import import ItemsLocked, import_items
from delphi.studies.study_file import import_study_file, parse_study_file

study_group = AppGroup("study", help="Create, list, export, complete, reopen and delete studies.")
items_group = AppGroup("items", help="Import a study's sections and items.")


@study_group.command("import")
@click.argument("study_file", type=FILE)
def import_command(study_file: Path) -> None:
    """Create a study from a study file (TOML); print its slug."""
    with one_transaction():
        study = import_study_file(parse_study_file(study_file.read_bytes(), str(study_file)))
    click.echo(study.slug)


@study_group.command("list")
def list_command() -> None:
    """List the studies: slug, status, rounds and title."""
    studies = db.session.scalars(db.select(Study).order_by(Study.slug)).all()
    if not studies:
        click.echo("No studies yet; create one with: delphi study import FILE.toml")
    for study in studies:
        click.echo(f"{study.slug}\t{study.status.value}\t{len(study.rounds)} rounds\t{study.title}")


@study_group.command("export")
@click.argument("slug")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the study file here instead of printing it.",
)
def export_command(slug: str, output: Path | None) -> None:
    """Write a study's settings and current items as a study file."""
    text = export_study_file(study_by_slug(slug))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")


@study_group.command("complete")
@click.argument("slug")
def complete_command(slug: str) -> None:
    """Mark a study complete once its last round has closed."""
    study = study_by_slug(slug)
    with one_transaction():
        complete_study(study)
    click.echo(f"Study {slug} is complete.")


@study_group.command("reopen")
@click.argument("slug")
@click.option(
    "--reason", required=True, help="Why the complete study is reopened (kept in the audit trail)."
)
def reopen_command(slug: str, reason: str) -> None:
    """Reopen a complete study so its latest decisions, rewordings and items can change."""
    study = study_by_slug(slug)
    with one_transaction():
        reopen_study(study, reason=reason)
    click.echo(
        f"Study {slug} is reopened ({study.status.value}): decisions, rewordings and the "
        "item list can change again."
    )


@study_group.command("delete")
@click.argument("slug")
@click.option(
    "--confirm",
    "confirm",
    required=True,
    metavar="SLUG",
    help="The study's slug again, to confirm.",
)
def delete_command(slug: str, confirm: str) -> None:
    """Delete a study that never opened a round, with its panel, items and messages."""
    study = study_by_slug(slug)
    contents = study_contents(study)
    with one_transaction():
        files = delete_study(study, confirm=confirm)
    remove_files(files)
    counted = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in (
            (contents.sections, "section"),
            (contents.items, "item"),
            (contents.panellists, "panellist"),
            (contents.messages, "message"),
        )
    ]
    click.echo(f"Study {slug} is deleted with its {', '.join(counted[:-1])} and {counted[-1]}.")


@items_group.command("import")
@click.argument("slug")
@click.argument("items_file", type=FILE)
def import_items_command(slug: str, items_file: Path) -> None:
    """Add sections and items from a CSV or .xlsx file (section, code, text[, explanation])."""
    study = study_by_slug(slug)
    with one_transaction(ItemsLocked):
        imported = import_items(study, items_file.read_bytes(), str(items_file))
    new = set(imported.new_sections)
    click.echo(f"Added {len(imported.items)} items to {slug}:")
    for section in sorted({item.section for item in imported.items}, key=lambda s: s.position):
        codes = [item.code for item in imported.items if item.section is section]
        span = codes[0] if len(codes) == 1 else f"{codes[0]} to {codes[-1]}"
        label = " (new section)" if section in new else ""
        click.echo(f"  {section.code} {section.title}{label}: {len(codes)} ({span})")
