"""Console pages for a study's sections and items: add, import, edit, reorder, retire, restore."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.importing import InvalidFile
from delphi.models import Item, RoundItem, Section, Study
from delphi.page_actions import carry_out
from delphi.refusal import Refused
from delphi.studies.forms import ExplanationForm, ItemForm, ItemsImportForm, SectionForm
from delphi.studies.items_import import (
    COLUMNS,
    EXAMPLE,
    OPTIONAL_COLUMNS,
    ItemsLocked,
    import_items,
)
from delphi.studies.operations import (
    add_item,
    add_section,
    item_shown,
    move_item,
    move_section,
    section_shown,
    set_explanation,
    set_retired,
    update_item,
    update_section,
)


def _section(study: Study, section_id: int) -> Section:
    """A section of this study; 404 for another study's, whatever the URL says."""
    return db.first_or_404(db.select(Section).filter_by(id=section_id, study_id=study.id))


def _item(study: Study, item_id: int) -> Item:
    return db.first_or_404(db.select(Item).filter_by(id=item_id, study_id=study.id))


def _section_choices(study: Study) -> list[SelectChoice]:
    return [SelectChoice(str(s.id), f"{s.code} {s.title}") for s in study.sections]


def _page(
    study: Study,
    *,
    section_form=None,
    item_form=None,
    items_form=None,
    problems: list[str] | None = None,
    status: int = 200,
):
    shown = set(
        db.session.scalars(db.select(RoundItem.item_id).join(Item).where(Item.study_id == study.id))
    )
    return render_template(
        "console/content.html",
        study=study,
        shown=shown,
        section_form=section_form or SectionForm(prefix="section"),
        item_form=item_form or ItemForm(prefix="item", sections=_section_choices(study)),
        items_form=items_form or ItemsImportForm(prefix="items"),
        items_problems=problems or [],
        items_columns=COLUMNS + OPTIONAL_COLUMNS,
        items_example=EXAMPLE,
    ), status


def _to_content(study: Study, anchor: str | None = None) -> str:
    return url_for("studies.content", slug=study.slug, _anchor=anchor)


@study_required
def content(study: Study):
    """Sections and items, in order, with what may be done to each."""
    return _page(study)


@study_required
def new_section(study: Study):
    form = SectionForm(prefix="section")
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: add_section(
                study, code=form.code.data.strip(), title=form.title.data.strip(), by=current_user
            ),
            done=f"Section {form.code.data} added.",
            to=_to_content(study),
            form=form,
            field="code",
        )
        if redirected:
            return redirected
    return _page(study, section_form=form, status=400)


@study_required
def edit_section(study: Study, section_id: int):
    section = _section(study, section_id)
    form = SectionForm(
        data={"code": section.code, "title": section.title, "guidance": section.guidance}
    )
    previewing = request.form.get("action") == "preview"
    if form.validate_on_submit() and not previewing:
        redirected = carry_out(
            lambda: update_section(
                section,
                code=form.code.data.strip(),
                title=form.title.data.strip(),
                guidance=(form.guidance.data or "").strip(),
                by=current_user,
            ),
            done=lambda _: f"Section {section.code} saved.",
            to=_to_content(study),
            form=form,
            field="code",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "console/section_form.html",
        study=study,
        section=section,
        form=form,
        shown=section_shown(section),
        preview=(form.guidance.data or "") if previewing else None,
    ), status


@study_required
def new_item(study: Study):
    form = ItemForm(prefix="item", sections=_section_choices(study))
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: add_item(
                _section(study, form.section.data),
                code=form.code.data.strip(),
                text=form.text.data.strip(),
                explanation=(form.explanation.data or "").strip(),
                by=current_user,
            ),
            done=f"Item {form.code.data} added.",
            to=_to_content(study),
            form=form,
            field="code",
        )
        if redirected:
            return redirected
    return _page(study, item_form=form, status=400)


@study_required
def import_items_view(study: Study):
    """Add the sections and items of an uploaded or pasted file: all of them, or none with every
    problem listed; refused once round 1 has opened."""
    form = ItemsImportForm(prefix="items")
    if not form.validate_on_submit():
        return _page(study, items_form=form, status=400)
    data, filename = form.source()

    def listed(error: Refused):
        if isinstance(error, InvalidFile):
            problems = [problem.describe(error.filename) for problem in error.problems]
            return _page(study, items_form=form, problems=problems, status=400)
        status = 409 if isinstance(error, ItemsLocked) else 400
        return _page(study, items_form=form, problems=[str(error)], status=status)

    def imported_words(imported) -> str:
        created = ", ".join(section.code for section in imported.new_sections)
        return f"{len(imported.items)} items imported from {filename}" + (
            f"; new sections: {created}." if created else "."
        )

    return carry_out(
        lambda: import_items(study, data, filename, by=current_user),
        done=imported_words,
        to=_to_content(study),
        refused=listed,
    )


@study_required
def edit_item(study: Study, item_id: int):
    """Edit an item never shown in a round; a shown one is reworded on the review page."""
    item = _item(study, item_id)
    shown = item_shown(item)
    if shown:
        return _edit_explanation(study, item)
    form = ItemForm(
        sections=_section_choices(study),
        data={
            "section": item.section_id,
            "code": item.code,
            "text": item.text,
            "explanation": item.explanation,
        },
    )
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: update_item(
                item,
                code=form.code.data.strip(),
                text=form.text.data.strip(),
                section=_section(study, form.section.data),
                explanation=(form.explanation.data or "").strip(),
                by=current_user,
            ),
            done=lambda _: f"Item {item.code} saved.",
            to=_to_content(study),
            form=form,
            field="code",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "console/item_form.html", study=study, item=item, form=form, shown=shown
    ), status


def _edit_explanation(study: Study, item: Item):
    """A shown item's page: its wording as rated, and its explanation, which may change."""
    form = ExplanationForm(data={"explanation": item.explanation})
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: set_explanation(item, (form.explanation.data or "").strip(), by=current_user),
            done=f"The explanation of item {item.code} saved.",
            to=_to_content(study),
            form=form,
            field="explanation",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "console/item_form.html", study=study, item=item, form=form, shown=True
    ), status


# Buttons that change something need no form class: CSRFProtect checks every POST app-wide.


def _direction() -> str:
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400, description="Say whether to move up or down.")
    return direction


def _button_refused(study: Study):
    """How a button's refused change (the study is complete) is shown: the page again, saying
    why."""

    def page(error: Refused):
        flash(str(error), "error")
        return _page(study, status=409)

    return page


@study_required
def move_section_view(study: Study, section_id: int):
    section = _section(study, section_id)
    return carry_out(
        lambda: move_section(section, _direction(), by=current_user),
        done=None,
        to=_to_content(study, f"section-{section.id}"),
        refused=_button_refused(study),
    )


@study_required
def move_item_view(study: Study, item_id: int):
    item = _item(study, item_id)
    return carry_out(
        lambda: move_item(item, _direction(), by=current_user),
        done=None,
        to=_to_content(study, f"item-{item.id}"),
        refused=_button_refused(study),
    )


@study_required
def retire_item(study: Study, item_id: int):
    """Retire an item (or, with ``restore``, bring it back) for rounds not yet prepared."""
    item = _item(study, item_id)
    retire = request.form.get("restore") is None
    return carry_out(
        lambda: set_retired(item, retire, by=current_user),
        done=f"Item {item.code} {'retired' if retire else 'restored'}.",
        to=_to_content(study, f"item-{item.id}"),
        refused=_button_refused(study),
    )
