"""Console pages for the panel: the list (a page at a time, searchable) with each round's
status, import, add, edit, links."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.importing import InvalidFile
from delphi.models import Panellist, Study
from delphi.page_actions import carry_out
from delphi.panel.forms import PanellistForm, PanelSearchForm
from delphi.panel.groups import describe_new_groups, study_groups
from delphi.panel.importer import import_panel
from delphi.panel.links import links_filename, panel_links_csv
from delphi.panel.listing import panel_page
from delphi.panel.operations import (
    add_panellist,
    regenerate_link,
    reinstate,
    update_panellist,
    withdraw,
)
from delphi.panel.tokens import link_for
from delphi.refusal import Refused
from delphi.studies.forms import UploadForm


def _panellist(study: Study, panellist_id: int) -> Panellist:
    """A panellist of this study; 404 for another study's, whatever the URL says."""
    return db.first_or_404(db.select(Panellist).filter_by(id=panellist_id, study_id=study.id))


def _page(
    study: Study,
    *,
    upload: UploadForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
):
    search = PanelSearchForm(request.args)
    if search.validate():
        listing = panel_page(
            study,
            text=search.text.data or "",
            status=search.chosen_status,
            page=search.page.data or 1,
        )
    else:
        listing = panel_page(study)
    return render_template(
        "console/panel.html",
        study=study,
        listing=listing,
        search=search,
        upload=upload or UploadForm(),
        problems=problems or [],
    ), status


@study_required
def panel(study: Study):
    return _page(study)


@study_required
def import_panel_view(study: Study):
    """Add the panellists of an uploaded CSV file: all of them, or none with every problem."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(study, upload=form, status=400)
    upload = form.file.data
    filename = upload.filename or "panel.csv"

    def listed(error: Refused):
        assert isinstance(error, InvalidFile)
        problems = [problem.describe(error.filename) for problem in error.problems]
        return _page(study, upload=form, problems=problems, status=400)

    return carry_out(
        lambda: import_panel(study, upload.read(), filename, by=current_user),
        done=lambda result: (
            f"{result.added} panellists imported from {filename}. "
            + describe_new_groups(result.new_groups)
        ),
        to=url_for("panel.panel", slug=study.slug),
        refused=listed,
    )


@study_required
def new_panellist(study: Study):
    form = PanellistForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: add_panellist(
                study,
                name=form.name.data.strip(),
                email=form.email.data.strip(),
                group=form.group.data.strip(),
                by=current_user,
            ),
            done=lambda panellist: f"{panellist.name} added as {panellist.pseudonym}.",
            to=url_for("panel.panel", slug=study.slug),
            form=form,
            field="name",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "console/panellist_form.html",
        study=study,
        form=form,
        panellist=None,
        groups=study_groups(study),
    ), status


@study_required
def edit_panellist(study: Study, panellist_id: int):
    panellist = _panellist(study, panellist_id)
    form = PanellistForm(
        data={"name": panellist.name, "email": panellist.email, "group": panellist.group}
    )
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: update_panellist(
                panellist,
                name=form.name.data.strip(),
                email=form.email.data.strip(),
                group=form.group.data.strip(),
                by=current_user,
            ),
            done=f"{panellist.pseudonym} saved.",
            to=url_for("panel.panel", slug=study.slug),
            form=form,
            field="name",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "console/panellist_form.html",
        study=study,
        form=form,
        panellist=panellist,
        groups=study_groups(study),
    ), status


def _change(study: Study, panellist_id: int, operation, done: str):
    panellist = _panellist(study, panellist_id)
    return carry_out(
        lambda: operation(panellist, by=current_user),
        done=f"{panellist.pseudonym} {done}.",
        to=url_for("panel.panel", slug=study.slug),
    )


@study_required
def withdraw_panellist(study: Study, panellist_id: int):
    return _change(study, panellist_id, withdraw, "withdrawn")


@study_required
def reinstate_panellist(study: Study, panellist_id: int):
    return _change(study, panellist_id, reinstate, "reinstated")


@study_required
def link(study: Study, panellist_id: int):
    """The panellist's full personal link, with a copy button and a way to replace it."""
    panellist = _panellist(study, panellist_id)
    return render_template(
        "console/panellist_link.html",
        study=study,
        panellist=panellist,
        link=link_for(panellist) if panellist.active else None,
    )


@study_required
def regenerate(study: Study, panellist_id: int):
    """Replace the panellist's link (confirmed on the link page); the old one stops working."""
    panellist = _panellist(study, panellist_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm that the old link should stop working.", "error")
        return redirect(url_for("panel.link", slug=study.slug, panellist_id=panellist.id))
    regenerate_link(panellist, by=current_user)
    db.session.commit()
    flash(f"{panellist.pseudonym} has a new personal link; the old one no longer works.", "info")
    return redirect(url_for("panel.link", slug=study.slug, panellist_id=panellist.id))


@study_required
def links_csv(study: Study):
    """Every active panellist's personal link as a CSV file for a mail merge (a POST: taking
    the links is audited, and a prefetch must not do it)."""
    data, _ = panel_links_csv(study, by=current_user)
    db.session.commit()
    return Response(
        data,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{links_filename(study)}"',
            "Cache-Control": "no-store",
        },
    )
