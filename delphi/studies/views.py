"""Console pages for studies: creating one, its settings, and the study file."""

from __future__ import annotations

import enum

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.importing import InvalidFile
from delphi.models import Study
from delphi.page_actions import carry_out
from delphi.studies.export import export_study_file
from delphi.studies.forms import StudyForm, UploadForm, format_scale_labels
from delphi.studies.operations import LOCKED_FIELDS, create_study, update_study
from delphi.studies.protocol import PROTOCOL_FIELDS
from delphi.studies.protocol_form import ProtocolForm
from delphi.studies.study_file import import_study_file, parse_study_file


def _form_data(study: Study) -> dict:
    data = {column.name: getattr(study, column.name) for column in Study.__table__.columns}
    for key, value in data.items():
        if isinstance(value, enum.Enum):
            data[key] = value.value
    data["scale_labels"] = format_scale_labels(study.scale_labels or {})
    return data


def _defaults() -> dict:
    """Settings of a new study: the columns' defaults."""
    data = {}
    for column in Study.__table__.columns:
        default = column.default
        if default is not None:
            value = default.arg(None) if default.is_callable else default.arg
            data[column.name] = value.value if isinstance(value, enum.Enum) else value
    data["scale_labels"] = ""
    return data


@login_required
def new_study():
    form = StudyForm(data=_defaults())
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: create_study(form.values(), by=current_user),
            done=lambda study: f"Study {study.title} created. Add its sections and items next.",
            to=lambda study: url_for("studies.content", slug=study.slug),
            form=form,
            field="title",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template("console/study_form.html", form=form, study=None, locked=False), status


def _locked_formdata(study: Study) -> MultiDict:
    """The posted form, with the locked fields (disabled, so not sent) filled from the study.

    A locked field that was sent anyway keeps the sent value, so the change is refused.
    """
    formdata = MultiDict(request.form)
    current = _form_data(study)
    for name in LOCKED_FIELDS:
        if name not in formdata:
            value = current[name]
            if isinstance(value, bool):
                if value:
                    formdata[name] = "y"
            elif value is not None:
                formdata[name] = str(value)
    return formdata


@study_required
def setup(study: Study):
    """The study's settings; the consensus definition is read-only once round 1 has opened."""
    locked = study.consensus_locked
    if request.method == "POST" and locked:
        form = StudyForm(formdata=_locked_formdata(study))
    else:
        form = StudyForm(data=_form_data(study))
    status = 200
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: update_study(study, form.values(), by=current_user),
            done=lambda changed: "Settings saved." if changed else "Nothing changed.",
            to=url_for("studies.setup", slug=study.slug),
            form=form,
            field="title",
        )
        if redirected:
            return redirected
    if form.errors:
        status = 400
    return render_template("console/study_form.html", form=form, study=study, locked=locked), status


@study_required
def protocol(study: Study):
    """The study's protocol (aim, panel, ethics, funding, ...), stated in the report."""
    form = ProtocolForm(data={f.column: getattr(study, f.column) for f in PROTOCOL_FIELDS})
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: update_study(study, form.values(), by=current_user),
            done=lambda changed: "Protocol saved." if changed else "Nothing changed.",
            to=url_for("studies.protocol", slug=study.slug),
            form=form,
            field=PROTOCOL_FIELDS[0].column,
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template("console/protocol.html", form=form, study=study), status


@login_required
def import_study():
    """Create a study from an uploaded study file; every problem is listed with its line."""
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or "study file"
        try:
            parsed = parse_study_file(upload.read(), filename)
        except InvalidFile as error:
            problems = [problem.describe(error.filename) for problem in error.problems]
        else:
            study = import_study_file(parsed, by=current_user)
            if not current_user.is_admin:
                study.staff.append(current_user)
            db.session.commit()
            flash(f"Study {study.title} imported with {len(study.items)} items.", "info")
            return redirect(url_for("studies.content", slug=study.slug))
    status = 400 if problems or form.errors else 200
    return render_template("console/import_study.html", form=form, problems=problems), status


@study_required
def export_study(study: Study):
    """Download the study as a study file that imports again unchanged."""
    return Response(
        export_study_file(study),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{study.slug}.toml"'},
    )
