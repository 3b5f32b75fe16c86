"""``delphi study ...``: create a study from a study file, list studies, export, complete,
reopen and delete.

Also the two helpers every study-scoped command uses: ``study_by_slug`` and ``one_transaction``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError, OperationalError

from delphi.extensions import db
from delphi.importing import InvalidFile
from delphi.models import Study
from delphi.rounds.errors import RoundError
from delphi.rounds.review import complete_study, reopen_study
from delphi.studies.deletion import delete_study, remove_files, study_contents
from delphi.studies.export import export_study_file
from delphi.studies.study_file import import_study_file, parse_study_file

study_group = AppGroup("study", help="Create, list, export, complete, reopen and delete studies.")

FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


def study_by_slug(slug: str) -> Study:
    """The study with this slug, or a command error listing the slugs that exist."""
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    if study is None:
        known = db.session.scalars(db.select(Study.slug).order_by(Study.slug)).all()
        hint = f"; the studies are: {', '.join(known)}" if known else "; there are no studies yet"
        raise click.ClickException(f"No study has the slug {slug!r}{hint}.")
    return study


@contextmanager
def one_transaction() -> Iterator[None]:
    """Commit once when the command's work succeeds.

    A RoundError or InvalidFile rolls everything back, is printed plainly and exits with 1; so
    does a write a database constraint refuses because another change saved the same thing
    (a slug, an e-mail address) after the command checked its input, or a database that is
    busy or unreachable.
    """
    try:
        yield
        db.session.commit()
    except (RoundError, InvalidFile) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except IntegrityError as error:
        db.session.rollback()
        raise click.ClickException(
            "Another change saved the same thing at the same moment (the database refused: "
            f"{_database_says(error)}). Nothing was written; run the command again.") from error
    except OperationalError as error:
        db.session.rollback()
        raise click.ClickException(
            f"The database could not complete the change ({_database_says(error)}). Nothing was "
            "written; run the command again once it is reachable.") from error


def _database_says(error: IntegrityError | OperationalError) -> str:
    """The database's own words, on one line, without the statement."""
    return " ".join(str(error.orig).split())[:300]


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
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the study file here instead of printing it.")
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
@click.option("--reason", required=True,
              help="Why the complete study is reopened (kept in the audit trail).")
def reopen_command(slug: str, reason: str) -> None:
    """Reopen a complete study so its latest decisions, rewordings and items can change."""
    study = study_by_slug(slug)
    with one_transaction():
        reopen_study(study, reason=reason)
    click.echo(f"Study {slug} is reopened ({study.status.value}): decisions, rewordings and the "
               "item list can change again.")


@study_group.command("delete")
@click.argument("slug")
@click.option("--confirm", "confirm", required=True, metavar="SLUG",
              help="The study's slug again, to confirm.")
def delete_command(slug: str, confirm: str) -> None:
    """Delete a study that never opened a round, with its panel, items and messages."""
    study = study_by_slug(slug)
    contents = study_contents(study)
    with one_transaction():
        files = delete_study(study, confirm=confirm)
    remove_files(files)
    counted = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in (
        (contents.sections, "section"), (contents.items, "item"),
        (contents.panellists, "panellist"), (contents.messages, "message"))]
    click.echo(f"Study {slug} is deleted with its {', '.join(counted[:-1])} and {counted[-1]}.")
