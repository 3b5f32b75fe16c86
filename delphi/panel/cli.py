"""``delphi panel ...``: import panellists from CSV, list them, and write their links as CSV."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup

from delphi.commands import (
    FILE,
    CommandError,
    one_transaction,
    study_by_slug,
    warn_if_base_url_unset,
)
from delphi.extensions import db
from delphi.models import Panellist
from delphi.panel.erasure import erase_panellist
from delphi.panel.groups import describe_new_groups
from delphi.panel.importer import import_panel
from delphi.panel.links import panel_links_csv
from delphi.panel.tokens import link_base, link_for

panel_group = AppGroup("panel", help="Import panellists and list or write their personal links.")


@panel_group.command("import")
@click.argument("slug")
@click.argument("panel_file", type=FILE)
def import_command(slug: str, panel_file: Path) -> None:
    """Add panellists from a CSV file with the columns name,email,group."""
    study = study_by_slug(slug)
    with one_transaction():
        result = import_panel(study, panel_file.read_bytes(), str(panel_file))
    click.echo(f"Added {result.added} panellists to {slug}:")
    for group, count in result.per_group.items():
        click.echo(f"  {group}: {count}")
    if result.new_groups:
        click.echo(describe_new_groups(result.new_groups))
    if result.invited_to_round is not None:
        click.echo(f"They are invited to round {result.invited_to_round}, which is open.")


def _status(panellist: Panellist) -> str:
    if panellist.erased_at is not None:
        return "erased"
    return "withdrawn" if panellist.withdrawn_at is not None else "active"


@panel_group.command("list")
@click.argument("slug")
def list_command(slug: str) -> None:
    """List the panel: pseudonym, group, status and personal link, one panellist a line."""
    study = study_by_slug(slug)
    panellists = db.session.scalars(
        db.select(Panellist).filter_by(study_id=study.id).order_by(Panellist.pseudonym)
    ).all()
    if not panellists:
        click.echo(
            f"{slug} has no panellists yet; add them with: delphi panel import {slug} FILE.csv"
        )
    else:
        warn_if_base_url_unset(link_base())
    for panellist in panellists:
        link = link_for(panellist) if panellist.active else "-"
        click.echo(f"{panellist.pseudonym}\t{panellist.group}\t{_status(panellist)}\t{link}")


@panel_group.command("links")
@click.argument("slug")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV file here (readable by you only) instead of printing it.",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
def links_command(slug: str, output: Path | None, force: bool) -> None:
    """Every active panellist's personal link as CSV for a mail merge (recorded in the audit
    trail): pseudonym, name, email, group, link."""
    study = study_by_slug(slug)
    warn_if_base_url_unset(link_base())
    with one_transaction():
        data, count = panel_links_csv(study)
        if output is None:
            click.echo(data.decode("utf-8-sig"), nl=False)
        else:
            _write_private(output, data, force=force)
    if output is not None:
        click.echo(
            f"Wrote {count} links to {output}; anyone with a link can answer as that "
            "panellist, so delete the file once the messages are sent."
        )


@panel_group.command("erase")
@click.argument("slug")
@click.argument("pseudonym")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(slug: str, pseudonym: str, yes: bool) -> None:
    """Erase a panellist's personal data on request; their closed rounds' ratings stay."""
    study = study_by_slug(slug)
    panellist = db.session.scalar(
        db.select(Panellist).filter_by(study_id=study.id, pseudonym=pseudonym)
    )
    if panellist is None:
        raise CommandError(
            f"{slug} has no panellist {pseudonym!r}; see the panel with: delphi panel list {slug}"
        )
    if not yes:
        click.confirm(
            f"Erase {pseudonym}'s name, e-mail, link, comments and unsent messages, "
            "and their answers to any open round? This cannot be undone",
            abort=True,
        )
    with one_transaction():
        erasure = erase_panellist(panellist)
    click.echo(
        f"Erased {pseudonym}: {erasure.comments_erased} comments erased, "
        f"{erasure.open_responses_deleted} open-round responses deleted, "
        f"{erasure.messages_dropped} unsent messages dropped; "
        f"{erasure.ratings_kept} ratings in closed rounds kept under the pseudonym."
    )


def _write_private(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to a file only its owner can read; an existing file only with ``force``."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError as error:
        raise CommandError(
            f"{path} already exists; nothing was written (add --force to replace it)."
        ) from error
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), 0o600)  # a replaced file keeps its old mode otherwise
        file.write(data)
