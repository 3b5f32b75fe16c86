"""The reports pages of the console: download buttons, the HTML report, and the files."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.auth.api_tokens import issue_api_token, revoke_api_token
from delphi.extensions import db
from delphi.models import RoundState, Study
from delphi.reports import FORMATS, ReportError, export, filename
from delphi.reports.bundle import build_bundle
from delphi.reports.data import build_report
from delphi.reports.forms import ApiTokenForm
from delphi.reports.html import render_html


def _round_argument(study: Study) -> int | None:
    """The ``round`` query argument: None for the whole study; 404 unless a closed round."""
    raw = request.args.get("round", "")
    if not raw:
        return None
    closed = {str(r.number): r.number for r in study.rounds if r.state is RoundState.CLOSED}
    if raw not in closed:  # compared as text: "²" or a 5,000-digit number is simply unknown
        abort(404)
    return closed[raw]


@study_required
def index(study: Study):
    closed = [r for r in study.rounds if r.state is RoundState.CLOSED]
    return render_template(
        "reports/index.html",
        study=study,
        closed_rounds=closed,
        formats=FORMATS.values(),
        token_form=ApiTokenForm(),
        new_token=None,
    )


@study_required
def view(study: Study):
    """The HTML report, linked to the site's stylesheet."""
    try:
        report = build_report(study, _round_argument(study))
    except ReportError as error:
        abort(404, str(error))
    return render_html(report, stylesheet="link")


@study_required
def download(study: Study, format_name: str):
    if format_name not in FORMATS:
        abort(404)
    round_number = _round_argument(study)
    try:
        content = export(study, format_name, round_number)
    except ReportError as error:
        abort(404, str(error))
    name = filename(study, format_name, round_number)
    return Response(
        content,
        content_type=FORMATS[format_name].content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@study_required
def api_token(study: Study):
    """Issue (or revoke) the signed-in staff member's own API token; shown once on this page."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        if form.revoke.data:
            revoke_api_token(current_user, by=current_user)
        else:
            new_token = issue_api_token(current_user, by=current_user)
        db.session.commit()
    closed = [r for r in study.rounds if r.state is RoundState.CLOSED]
    response = Response(
        render_template(
            "reports/index.html",
            study=study,
            closed_rounds=closed,
            formats=FORMATS.values(),
            token_form=ApiTokenForm(formdata=None),
            new_token=new_token,
            token_revoked=form.revoke.data,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@study_required
def bundle(study: Study):
    """The supplementary bundle (ZIP) for the journal and the data repository; audited."""
    content = build_bundle(study, by=current_user)
    db.session.commit()
    return Response(
        content,
        content_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{study.slug}-supplementary.zip"',
            "Cache-Control": "no-store",
        },
    )
