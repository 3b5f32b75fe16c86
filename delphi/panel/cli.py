"""``delphi panel ...``: import panellists from CSV and list their personal links."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup

from delphi.extensions import db
from delphi.models import Panellist
from delphi.panel.erasure import erase_command
from delphi.panel.importer import import_panel
from delphi.panel.tokens import link_for
from delphi.rounds.lifecycle import open_round_of
from delphi.studies.cli import FILE, one_transaction, study_by_slug

panel_group = AppGroup("panel", help="Import panellists and list their personal links.")


@panel_group.command("import")
@click.argument("slug")
@click.argument("panel_file", type=FILE)
def import_command(slug: str, panel_file: Path) -> None:
    """Add panellists from a CSV file with the columns name,email,group."""
    study = study_by_slug(slug)
    with one_transaction():
        panellists = import_panel(study, panel_file.read_bytes(), str(panel_file))
        round_ = open_round_of(study)
    click.echo(f"Added {len(panellists)} panellists to {slug}:")
    for group, count in sorted(Counter(p.group for p in panellists).items()):
        click.echo(f"  {group}: {count}")
    if round_ is not None:
        click.echo(f"They are invited to round {round_.number}, which is open.")


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
        click.echo(f"{slug} has no panellists yet; "
                   f"add them with: delphi panel import {slug} FILE.csv")
    for panellist in panellists:
        link = link_for(panellist) if panellist.active else "-"
        click.echo(f"{panellist.pseudonym}\t{panellist.group}\t{_status(panellist)}\t{link}")


panel_group.add_command(erase_command)
