"""Importing a study's sections and items from a CSV or Excel file, or from rows pasted in.

The columns are ``section, code, text`` and, optionally, ``explanation``. A row's section is
matched to one of the study's sections by code or title (ignoring case), or else becomes a new
section. A blank code continues its section's numbering ("S2.4" after "S2.3"). The whole file is
checked against the rules of the console's forms before anything is written, and nothing can be
imported once round 1 has opened: from then on the item list changes between rounds, on the
review page, so that every round keeps the wording panellists rated.

An explanation (Markdown, shown to panellists under the wording) is checked like a wording and
stored with its item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from delphi import audit
from delphi.extensions import db
from delphi.importing import CsvRow, InvalidFile, Problem, Problems, read_csv, read_xlsx
from delphi.models import Item, Section, StaffUser, Study, StudyStatus
from delphi.refusal import Refused
from delphi.studies.positions import last_position
from delphi.validation import (
    CODE_MAX_LENGTH,
    ITEM_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    code_problem,
    text_problem,
)

COLUMNS = ("section", "code", "text")
OPTIONAL_COLUMNS = ("explanation",)
# What the console page and the README show as an example file.
EXAMPLE = """\
section,code,text,explanation
S1,,The worker and the individual agree to share ownership of the work.,
S1,S1.9,Decisions are made jointly.,Both take responsibility for acting on them.
Mapping the social network,,The map includes connections made within services.,
"""
CHECKS = {
    "section": partial(text_problem, max_length=TITLE_MAX_LENGTH),
    "text": partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True),
    "explanation": partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True),
}
_ZIP = b"PK\x03\x04"  # an .xlsx workbook is a ZIP archive
_OLE = b"\xd0\xcf\x11\xe0"  # an .xls workbook of Excel 97-2003
_SECTION_NUMBER = re.compile(r"^S(\d+)$", re.IGNORECASE)


class ItemsLocked(Refused):
    """The study's round 1 has opened; its items change only between rounds now."""


@dataclass
class ImportedItems:
    """What an import added: the items in file order, and the sections it created."""

    items: list[Item]
    new_sections: list[Section]


@dataclass
class _SectionPlan:
    """A section rows go into: one of the study's, or a new one (``existing`` None)."""

    title: str
    code: str | None
    existing: Section | None = None


@dataclass
class _ItemPlan:
    line: int
    section: _SectionPlan
    code: str | None  # None: blank in the file, generated once every row is read
    text: str
    explanation: str = ""


def require_items_importable(study: Study) -> None:
    """Refuse once round 1 has opened, as the content page refuses to edit a shown item."""
    if study.status is not StudyStatus.SETUP:
        raise ItemsLocked(
            f"Round 1 of {study.slug} has opened, so items are no longer imported: between "
            "rounds, reword items and add items from suggestions on the review page."
        )


def read_items_file(data: bytes, filename: str) -> list[CsvRow]:
    """The rows of an Excel workbook (.xlsx) or of CSV text (comma- or tab-separated, as cells
    copied from a spreadsheet are), with the header checked."""
    columns = {"required": COLUMNS, "optional": OPTIONAL_COLUMNS}
    if filename.lower().endswith(".xls") or data.startswith(_OLE):
        raise InvalidFile(
            filename,
            [
                Problem(
                    None,
                    None,
                    "this is an Excel 97-2003 workbook (.xls); save it as an Excel workbook "
                    "(.xlsx) or as CSV UTF-8",
                )
            ],
        )
    if filename.lower().endswith(".xlsx") or data.startswith(_ZIP):
        return read_xlsx(data, filename, **columns)
    header = data.split(b"\n", 1)[0]
    delimiter = "\t" if b"\t" in header else ","
    return read_csv(
        data, filename, required=COLUMNS, optional=OPTIONAL_COLUMNS, delimiter=delimiter
    )


def import_items(
    study: Study, data: bytes, filename: str, *, by: StaffUser | None = None
) -> ImportedItems:
    """Add the file's sections and items to the study (flushed) and record it; raises
    ItemsLocked after round 1 opened, InvalidFile listing every problem before any write."""
    require_items_importable(study)
    items = _plan(study, read_items_file(data, filename), filename)

    new_sections: list[Section] = []
    section_position = last_position(study.sections)
    item_positions: dict[int, int] = {}
    added: list[Item] = []
    for plan in items:
        planned = plan.section
        if planned.existing is None:
            section_position += 1
            planned.existing = Section(
                study=study, code=planned.code, title=planned.title, position=section_position
            )
            db.session.add(planned.existing)
            new_sections.append(planned.existing)
        section = planned.existing
        key = id(section)
        if key not in item_positions:
            item_positions[key] = last_position(section.items)
        item_positions[key] += 1
        item = Item(
            study=study,
            section=section,
            code=plan.code,
            text=plan.text,
            explanation=plan.explanation,
            position=item_positions[key],
        )
        db.session.add(item)
        added.append(item)
    db.session.flush()
    audit.record(
        "items.import",
        study=study,
        by=by,
        target=filename,
        after={
            "items": len(added),
            "codes": [item.code for item in added],
            "new_sections": [section.code for section in new_sections],
        },
    )
    db.session.flush()
    return ImportedItems(added, new_sections)


def _plan(study: Study, rows: list[CsvRow], filename: str) -> list[_ItemPlan]:
    """Each row's section, code and text, once every row is valid; raises InvalidFile."""
    problems = Problems(filename)
    sections = _SectionFinder(study)
    taken = {
        code.lower(): code
        for code in db.session.scalars(db.select(Item.code).filter_by(study_id=study.id))
    }
    first_line: dict[str, int] = {}
    plans: list[_ItemPlan] = []
    for row in rows:
        valid = True
        for column in CHECKS:
            problem = _cell_problem(column, row.cells.get(column, ""))
            if problem:
                problems.add(row.line, f"column {column}", problem)
                valid = False
        code = row.cells["code"] or None
        if code is not None:
            problem = code_problem(code)
            key = code.lower()
            if problem:
                problems.add(row.line, "column code", f"the code {problem}")
                valid = False
            elif key in first_line:
                problems.add(
                    row.line,
                    "column code",
                    f"{code} appears twice in the file (first on line {first_line[key]})",
                )
                valid = False
            elif key in taken:
                problems.add(
                    row.line,
                    "column code",
                    f"{code} is already used by item {taken[key]} of {study.slug}",
                )
                valid = False
            first_line.setdefault(key, row.line)
        if valid:
            plans.append(
                _ItemPlan(
                    row.line,
                    sections.find(row.cells["section"]),
                    code,
                    row.cells["text"],
                    row.cells.get("explanation", ""),
                )
            )
    if not rows:
        problems.add(None, None, "the file has a header but no items")
    sections.number_new_sections()
    _number_blank_codes(plans, set(taken) | set(first_line), problems)
    problems.raise_if_any()
    return plans


def _cell_problem(column: str, value: str) -> str | None:
    if not value:
        return None if column in OPTIONAL_COLUMNS else f"the {column} is empty"
    problem = CHECKS[column](value)
    return f"the {column} {problem}" if problem else None


class _SectionFinder:
    """The study's sections by code and by title (ignoring case), and the new ones rows name."""

    def __init__(self, study: Study):
        self.sections = list(study.sections)
        self.by_code = {s.code.lower(): s for s in self.sections}
        self.by_title = {s.title.lower(): s for s in self.sections}
        self.plans: dict[str, _SectionPlan] = {}

    def find(self, name: str) -> _SectionPlan:
        """The section a row names. A new one is titled as written; its code is the name when
        that is a valid code, else the next free "S" number (``number_new_sections``)."""
        key = name.lower()
        if key not in self.plans:
            existing = self.by_code.get(key) or self.by_title.get(key)
            if existing is not None:
                self.plans[key] = _SectionPlan(existing.title, existing.code, existing)
            else:
                self.plans[key] = _SectionPlan(name, None if code_problem(name) else name)
        return self.plans[key]

    def number_new_sections(self) -> None:
        codes = [s.code for s in self.sections] + [p.code for p in self.plans.values() if p.code]
        taken = {code.lower() for code in codes}
        number = max(
            (int(m.group(1)) for code in codes if (m := _SECTION_NUMBER.match(code))), default=0
        )
        for plan in self.plans.values():
            if plan.code is None:
                number += 1
                while f"s{number}" in taken:
                    number += 1
                plan.code = f"S{number}"
                taken.add(plan.code.lower())


def _number_blank_codes(plans: list[_ItemPlan], taken: set[str], problems: Problems) -> None:
    """Give each item without a code its section's next "<section code>.<n>", in file order,
    after the highest n the section's items already have; codes in use are skipped."""
    numbers: dict[int, int] = {}
    for plan in plans:
        if plan.code is not None:
            continue
        section = plan.section
        key = id(section)
        if key not in numbers:
            numbers[key] = _highest_number(section)
        numbers[key] += 1
        while f"{section.code}.{numbers[key]}".lower() in taken:
            numbers[key] += 1
        code = f"{section.code}.{numbers[key]}"
        if len(code) > CODE_MAX_LENGTH:
            problems.add(
                plan.line,
                "column code",
                f"the code is empty, and the one made from section {section.code}'s "
                f"code would be longer than {CODE_MAX_LENGTH} characters; give one",
            )
            continue
        plan.code = code
        taken.add(code.lower())


def _highest_number(section: _SectionPlan) -> int:
    """The highest n of the section's items coded "<section code>.<n>"; 0 for a new section."""
    if section.existing is None:
        return 0
    numbered = re.compile(rf"^{re.escape(section.code or '')}\.(\d+)$", re.IGNORECASE)
    return max(
        (int(m.group(1)) for item in section.existing.items if (m := numbered.match(item.code))),
        default=0,
    )
