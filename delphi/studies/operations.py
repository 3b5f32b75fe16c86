"""Study set-up operations: the study's settings, its sections and its items.

Each operation checks what it may change, records an audit event and flushes; the view commits.
"""

from __future__ import annotations

import enum

from delphi import audit
from delphi.consensus.definition import BY_COLUMN, COLUMNS
from delphi.extensions import db
from delphi.models import Item, RoundItem, Section, StaffUser, Study
from delphi.refusal import Refused
from delphi.studies.locks import require_not_complete
from delphi.studies.positions import next_position

# The consensus definition and the scale it is stated on: fixed once round 1 has opened.
LOCKED_FIELDS = COLUMNS


class SetupError(Refused):
    """A set-up change is refused; ``field`` names the form field at fault when there is one."""


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def create_study(values: dict, *, by: StaffUser | None = None) -> Study:
    """Create a study from its settings (column name to value); the creator is assigned to it."""
    if db.session.scalar(db.select(Study.id).filter_by(slug=values["slug"])):
        raise SetupError(f"The slug {values['slug']} is already used by another study.", "slug")
    study = Study(**values)
    db.session.add(study)
    if by is not None and not by.is_admin:
        study.staff.append(by)
    db.session.flush()
    audit.record(
        "study.create",
        study=study,
        by=by,
        target=study.slug,
        after={key: _plain(value) for key, value in values.items()},
    )
    return study


def update_study(study: Study, values: dict, *, by: StaffUser | None = None) -> dict:
    """Change the study's settings; returns the changed fields as {name: (before, after)}.

    Once round 1 has opened, a change to the consensus definition is refused, whatever the form
    sent: the definition was stated in advance.
    """
    changed = {
        key: (getattr(study, key), value)
        for key, value in values.items()
        if getattr(study, key) != value
    }
    if "slug" in changed and db.session.scalar(db.select(Study.id).filter_by(slug=values["slug"])):
        raise SetupError(f"The slug {values['slug']} is already used by another study.", "slug")
    if study.consensus_locked:
        locked = [key for key in changed if key in LOCKED_FIELDS]
        if locked:
            raise SetupError(
                "The consensus definition was stated in advance and cannot change after round 1 "
                "opened; refused change to "
                f"{', '.join(BY_COLUMN[key].label.lower() for key in locked)}.",
                locked[0],
            )
    for key, (_, value) in changed.items():
        setattr(study, key, value)
    if changed:
        audit.record(
            "study.update",
            study=study,
            by=by,
            target=study.slug,
            before={key: _plain(old) for key, (old, _) in changed.items()},
            after={key: _plain(new) for key, (_, new) in changed.items()},
        )
    db.session.flush()
    return changed


def _require_free_section_code(study: Study, code: str, section: Section | None = None) -> None:
    other = db.session.scalar(db.select(Section).filter_by(study_id=study.id, code=code))
    if other is not None and other is not section:
        raise SetupError(f"Section code {code} is already used in this study.", "code")


def _require_free_item_code(study: Study, code: str, item: Item | None = None) -> None:
    other = db.session.scalar(db.select(Item).filter_by(study_id=study.id, code=code))
    if other is not None and other is not item:
        raise SetupError(f"Item code {code} is already used in this study.", "code")


def _require_open_items(study: Study) -> None:
    """Sections and items change only while the study is not complete."""
    require_not_complete(study, "the item list", error=SetupError)


def add_section(study: Study, *, code: str, title: str, by: StaffUser | None = None) -> Section:
    _require_open_items(study)
    _require_free_section_code(study, code)
    position = next_position(study.sections)
    section = Section(study=study, code=code, title=title, position=position)
    db.session.add(section)
    audit.record("section.add", study=study, by=by, target=code, after={"title": title})
    db.session.flush()
    return section


def update_section(
    section: Section,
    *,
    code: str,
    title: str,
    guidance: str | None = None,
    by: StaffUser | None = None,
) -> None:
    """Rename a section or change its guidance text (``None``: kept); its code may change only
    while no round has shown it."""
    _require_open_items(section.study)
    if code != section.code and section_shown(section):
        raise SetupError("This section was shown in a round; its code cannot change.", "code")
    _require_free_section_code(section.study, code, section)
    before = {"code": section.code, "title": section.title, "guidance": section.guidance}
    section.code, section.title = code, title
    if guidance is not None:
        section.guidance = guidance
    audit.record(
        "section.update",
        study=section.study,
        by=by,
        target=code,
        before=before,
        after={"code": code, "title": title, "guidance": section.guidance},
    )
    db.session.flush()


def item_shown(item: Item) -> bool:
    """Whether a round has shown this wording; a shown item is only reworded, never edited."""
    return (
        db.session.scalar(db.select(RoundItem.id).filter_by(item_id=item.id).limit(1)) is not None
    )


def section_shown(section: Section) -> bool:
    return (
        db.session.scalar(db.select(RoundItem.id).filter_by(section_id=section.id).limit(1))
        is not None
    )


def add_item(
    section: Section, *, code: str, text: str, explanation: str = "", by: StaffUser | None = None
) -> Item:
    study = section.study
    _require_open_items(study)
    _require_free_item_code(study, code)
    position = next_position(section.items)
    item = Item(
        study=study,
        section=section,
        code=code,
        text=text,
        explanation=explanation,
        position=position,
    )
    db.session.add(item)
    audit.record(
        "item.add",
        study=study,
        by=by,
        target=code,
        after={"section": section.code, "text": text, "explanation": explanation},
    )
    db.session.flush()
    return item


def update_item(
    item: Item,
    *,
    code: str,
    text: str,
    section: Section,
    explanation: str | None = None,
    by: StaffUser | None = None,
) -> None:
    """Edit an item in place, allowed only while no round has shown it (invariant 3)."""
    _require_open_items(item.study)
    if item_shown(item):
        raise SetupError(
            f"Item {item.code} was shown in a round, so its wording is kept as rated; "
            "reword it between rounds on the review page.",
            "text",
        )
    if section.study_id != item.study_id:
        raise SetupError("The section belongs to another study.", "section")
    _require_free_item_code(item.study, code, item)
    before = {
        "code": item.code,
        "text": item.text,
        "section": item.section.code,
        "explanation": item.explanation,
    }
    if section is not item.section:
        item.position = next_position(section.items)
    item.code, item.text, item.section = code, text, section
    if explanation is not None:
        item.explanation = explanation
    audit.record(
        "item.update",
        study=item.study,
        by=by,
        target=code,
        before=before,
        after={
            "code": code,
            "text": text,
            "section": section.code,
            "explanation": item.explanation,
        },
    )
    db.session.flush()


def set_explanation(item: Item, explanation: str, *, by: StaffUser | None = None) -> None:
    """Change an item's explanation, even once shown: the wording panellists rated is kept."""
    _require_open_items(item.study)
    if explanation == item.explanation:
        return
    audit.record(
        "item.explanation",
        study=item.study,
        by=by,
        target=item.code,
        before={"explanation": item.explanation},
        after={"explanation": explanation},
    )
    item.explanation = explanation
    db.session.flush()


def _swap(rows: list, row, direction: str) -> bool:
    """Swap ``row`` with its neighbour in ``rows`` (ordered by position); False at an end."""
    index = rows.index(row)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(rows):
        return False
    for position, each in enumerate(rows, start=1):  # renumber so positions are distinct
        each.position = position
    rows[index].position, rows[other].position = rows[other].position, rows[index].position
    return True


def move_section(section: Section, direction: str, *, by: StaffUser | None = None) -> bool:
    _require_open_items(section.study)
    rows = sorted(section.study.sections, key=lambda s: (s.position, s.id))
    moved = _swap(rows, section, direction)
    if moved:
        audit.record(
            "section.move",
            study=section.study,
            by=by,
            target=section.code,
            after={"direction": direction},
        )
    db.session.flush()
    return moved


def move_item(item: Item, direction: str, *, by: StaffUser | None = None) -> bool:
    _require_open_items(item.study)
    rows = sorted(item.section.items, key=lambda i: (i.position, i.id))
    moved = _swap(rows, item, direction)
    if moved:
        audit.record(
            "item.move", study=item.study, by=by, target=item.code, after={"direction": direction}
        )
    db.session.flush()
    return moved


def set_retired(item: Item, retired: bool, *, by: StaffUser | None = None) -> None:
    """Retire an item (kept in history, left out of new rounds) or restore it."""
    _require_open_items(item.study)
    if item.retired == retired:
        return
    item.retired = retired
    audit.record(
        "item.retire" if retired else "item.restore",
        study=item.study,
        by=by,
        target=item.code,
        before={"retired": not retired},
        after={"retired": retired},
    )
    db.session.flush()
