"""Every active panellist's personal link in one CSV file, for a mail merge the team runs itself.

The file holds secrets (anyone with a link answers as that panellist), so producing it is an
audited staff action: who took the links and how many. Withdrawn and erased panellists are left
out. Cells are neutralised against spreadsheet formulas as the reports' are, and the file starts
with a byte order mark so Excel reads it as UTF-8.
"""

from __future__ import annotations

import codecs

from delphi import audit
from delphi.extensions import db
from delphi.models import Panellist, StaffUser, Study
from delphi.panel.tokens import link_for
from delphi.reports.csv_export import write_csv

COLUMNS = ["pseudonym", "name", "email", "group", "link"]


def links_filename(study: Study) -> str:
    return f"{study.slug}-links.csv"


def panel_links_csv(study: Study, *, by: StaffUser | None = None) -> tuple[bytes, int]:
    """The CSV file of the study's active panellists' links, and how many rows it holds; records
    who took it."""
    panellists = db.session.scalars(
        db.select(Panellist)
        .where(
            Panellist.study_id == study.id,
            Panellist.withdrawn_at.is_(None),
            Panellist.erased_at.is_(None),
        )
        .order_by(Panellist.id)
    ).all()
    rows = [[p.pseudonym, p.name, p.email, p.group, link_for(p)] for p in panellists]
    audit.record(
        "panel.links_download",
        study=study,
        by=by,
        target=links_filename(study),
        after={"links": len(rows)},
    )
    db.session.flush()
    return codecs.BOM_UTF8 + write_csv(COLUMNS, rows), len(rows)
