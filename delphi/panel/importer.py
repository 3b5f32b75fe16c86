"""Importing panellists from a CSV file with the columns ``name,email,group``.

The whole file is checked before anything is written, then its rows are inserted in one
statement. Each new panellist gets the next pseudonym of the study (P001, P002, ...) and a
personal link; if a round is open they are invited to it at once, exactly as the panel was when it
opened.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from delphi import audit
from delphi.extensions import db
from delphi.importing import CsvRow, Problems, read_csv
from delphi.models import Panellist, StaffUser, Study, utcnow
from delphi.panel.groups import GroupSpellings
from delphi.panel.tokens import new_link
from delphi.rounds.lifecycle import invite_panel, open_round_of
from delphi.validation import GROUP_MAX_LENGTH, NAME_MAX_LENGTH, email_problem, text_problem

COLUMNS = ("name", "email", "group")
# What is wrong with each column's value, or None: the same rules as the console's panellist form.
# What is wrong with a column's value, or None.
CHECKS: dict[str, Callable[[str], str | None]] = {
    "name": partial(text_problem, max_length=NAME_MAX_LENGTH),
    "email": email_problem,
    "group": partial(text_problem, max_length=GROUP_MAX_LENGTH),
}
_PSEUDONYM = re.compile(r"^P(\d+)$")


def check_panel_file(study: Study, data: bytes, filename: str) -> list[CsvRow]:
    """The file's rows, once every row is valid; raises InvalidFile listing every problem."""
    rows = read_csv(data, filename, required=COLUMNS)
    problems = Problems(filename)
    existing = {
        email.lower(): pseudonym
        for email, pseudonym in db.session.execute(
            db.select(Panellist.email, Panellist.pseudonym).where(
                Panellist.study_id == study.id, Panellist.email.is_not(None)
            )
        )
    }
    first_line: dict[str, int] = {}
    for row in rows:
        for column in COLUMNS:
            value = row.cells[column]
            problem = CHECKS[column](value) if value else f"the {column} is empty"
            if problem:
                shown = f"{value!r} " if column == "email" and value and len(value) <= 80 else ""
                problems.add(row.line, f"column {column}", shown + problem)
        email = row.cells["email"]
        if not email or email_problem(email):
            continue
        key = email.lower()
        if key in first_line:
            problems.add(
                row.line,
                "column email",
                f"{email} appears twice in the file (first on line {first_line[key]})",
            )
        elif key in existing:
            problems.add(
                row.line,
                "column email",
                f"{email} is already on the panel of {study.slug} as {existing[key]}",
            )
        first_line.setdefault(key, row.line)
    if not rows:
        problems.add(None, None, "the file has a header but no panellists")
    problems.raise_if_any()
    return rows


def next_pseudonym_number(study: Study) -> int:
    """The number of the study's next pseudonym: one more than the highest P-number in use."""
    taken = db.session.scalars(db.select(Panellist.pseudonym).filter_by(study_id=study.id))
    numbers = [int(m.group(1)) for p in taken if (m := _PSEUDONYM.match(p))]
    return max(numbers, default=0) + 1


@dataclass(frozen=True)
class PanelImport:
    """What an import did: how many panellists it added, how many joined each group (as the
    study spells it), the groups it created and the open round it invited them to."""

    added: int
    per_group: dict[str, int]
    new_groups: list[str]
    invited_to_round: int | None


def import_panel(
    study: Study, data: bytes, filename: str, *, by: StaffUser | None = None
) -> PanelImport:
    """Add the file's panellists to the study in one statement (flushed); invite them if a
    round is open. Groups are matched without regard to case: "g1" joins the study's "G1"."""
    rows = check_panel_file(study, data, filename)
    number = next_pseudonym_number(study)
    spelt = GroupSpellings(study)
    now = utcnow()
    groups: Counter[str] = Counter()
    values = []
    for offset, row in enumerate(rows):
        group = spelt(row.cells["group"])
        groups[group] += 1
        values.append(
            {
                "study_id": study.id,
                "pseudonym": f"P{number + offset:03d}",
                "name": row.cells["name"],
                "email": row.cells["email"],
                "group": group,  # joined_by is left to its server default: import
                "created_at": now,
                **new_link(),
            }
        )
    db.session.execute(db.metadata.tables["panellist"].insert(), values)
    round_ = open_round_of(study)
    if round_ is not None:
        invite_panel(study, round_)
    result = PanelImport(
        added=len(values),
        per_group=dict(sorted(groups.items())),
        new_groups=sorted(spelt.created, key=str.casefold),
        invited_to_round=round_.number if round_ else None,
    )
    audit.record(
        "panel.import",
        study=study,
        by=by,
        target=filename,
        after={
            "added": result.added,
            "new_groups": spelt.created,
            "invited_to_round": result.invited_to_round,
        },
    )
    db.session.flush()
    return result
