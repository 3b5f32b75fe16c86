"""The reports pages of the console: the HTML report, and the files, built in the background
(``builds``) and downloaded from each build's page. The report to read is rendered at once for
a small study and otherwise built in the background too, then shown from its build."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.auth.api_tokens import issue_api_token, revoke_api_token
from delphi.extensions import db
from delphi.models import RoundState, Study, utcnow
from delphi.reports import FORMATS, ReportError
from delphi.reports.builds import (
    SILENT_WORKER_MINUTES,
    VIEW,
    WAIT_FOR_WORKER_SECONDS,
    Build,
    BuildState,
    expires_at,
    file_response,
    find_build,
    kept_for_words,
    queue_build,
    read_page,
    renders_at_once,
    start,
    take_file,
)
from delphi.reports.data import build_report
from delphi.reports.forms import ApiTokenForm, BuildForm, DownloadForm
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
    """The HTML report, linked to the site's stylesheet, when the study is small enough to
    render while the request waits; otherwise a page offering to build it in the background."""
    number = _round_argument(study)
    if not renders_at_once(study, number):
        return render_template("reports/view_large.html", study=study, round_number=number)
    try:
        report = build_report(study, number)
    except ReportError as error:
        abort(404, str(error))
    return render_html(report, stylesheet="link")


@study_required
def build(study: Study):
    """Queue a build of one file of the reports page, then show its progress."""
    form = BuildForm(study)
    if not form.validate_on_submit():
        abort(400, " ".join(form.build.errors) or "The form was not complete: try again.")
    if form.what == VIEW and renders_at_once(study, form.round_number):
        return redirect(url_for("reports.view", slug=study.slug, round=form.round_number), 303)
    build_id = queue_build(study, form.what, form.round_number, by=current_user)
    slug = study.slug
    # The worker reads only what is committed (and on SQLite, an immediate build needs the
    # write lock this request holds).
    db.session.commit()
    start(build_id)
    page = "reports.build_view" if form.what == VIEW else "reports.build_page"
    return redirect(url_for(page, slug=slug, build_id=build_id), code=303)


@study_required
def build_page(study: Study, build_id: str):
    """A build's progress, refreshing itself until the file is ready or the build failed."""
    found = find_build(study, build_id)
    if found is None:
        abort(404)
    return _progress(study, found)


@study_required
def build_view(study: Study, build_id: str):
    """A report to read built in the background: its progress until it is ready, then the
    report itself, which can be read again until it expires."""
    found = find_build(study, build_id)
    if found is None or found.what != VIEW:
        abort(404)
    page = read_page(found)
    if page is None:
        return _progress(study, found)
    return Response(page, content_type=found.content_type, headers={"Cache-Control": "no-store"})


def _progress(study: Study, found: Build):
    now = utcnow()
    return render_template(
        "reports/build.html",
        study=study,
        build=found,
        waiting_too_long=found.waiting_too_long(now),
        worker_silent=found.worker_silent(now),
        form=DownloadForm(),
        expires_at=expires_at(found),
        kept_for=kept_for_words(),
        wait_seconds=WAIT_FOR_WORKER_SECONDS,
        silent_minutes=SILENT_WORKER_MINUTES,
    )


@study_required
def build_download(study: Study, build_id: str):
    """The built file, handed over once: it is removed as it is downloaded."""
    found = find_build(study, build_id)
    if found is None:
        abort(404)
    if not DownloadForm().validate_on_submit():
        abort(400)
    ready = found.state == BuildState.READY and found.what != VIEW  # a page is read, not taken
    content = take_file(found) if ready else None
    if content is None:  # not ready yet, or downloaded already: the page says which
        return redirect(url_for("reports.build_page", slug=study.slug, build_id=build_id), 303)
    return file_response(found, content)


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
