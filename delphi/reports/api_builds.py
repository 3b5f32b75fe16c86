"""The API's report files, built in the background as on the console's Reports page: a script
asks for a file (``202 Accepted`` with the build's address), reads the build until it is ready,
then fetches the file, once. The endpoints (``delphi.reports.api``) find the study the token
sees; a build is reached only under its own study's address."""

from __future__ import annotations

from flask import abort, g, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from delphi.extensions import db
from delphi.models import RoundState, Study
from delphi.reports.builds import (
    VIEW,
    Build,
    BuildState,
    expires_at,
    file_response,
    find_build,
    queue_build,
    start,
    take_file,
)
from delphi.reports.forms import BuildForm
from delphi.reports.json_export import iso_time

RETRY_SECONDS = 2  # how soon a script should ask again about a build not finished yet


def queue_requested(study: Study):
    """Queue the build the request's JSON asks for, ``{"format": NAME, "round": N}`` (``round``
    left out: the whole study; ``"format": "bundle"``: the supplementary bundle), and answer
    202 with its address."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    what, number = body.get("format"), body.get("round")
    if not isinstance(what, str) or ":" in what or what == VIEW:
        abort(400, 'Send {"format": NAME} as JSON, NAME one of the formats or "bundle".')
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        abort(400, '"round" must be the number of a closed round, or left out for the study.')
    return queue_and_accept(study, what, number)


def queue_and_accept(study: Study, what: str, number: int | None):
    """Queue the build (checked as the Reports page's button is) and answer 202 Accepted; 404
    for a round that is not closed, as everywhere in the API."""
    closed = {r.number for r in study.rounds if r.state is RoundState.CLOSED}
    if number is not None and number not in closed:
        abort(404, f"Study {study.slug} has no closed round {number}.")
    spec = what if number is None else f"{what}:{number}"
    form = BuildForm(study, formdata=MultiDict({"build": spec}), meta={"csrf": False})
    if not form.validate():
        abort(400, " ".join(form.build.errors))
    build_id = queue_build(study, form.what, form.round_number, by=g.api_user)
    slug = study.slug
    db.session.commit()  # the worker reads only what is committed
    start(build_id)
    found = find_build(study, build_id)
    assert found is not None  # just queued
    response = _status(slug, found)
    response.status_code = 202
    response.headers["Location"] = url_for("api.report_build", slug=slug, build_id=build_id)
    return response


def build_status(study: Study, build_id: str):
    """A build's state; once ready, the address of its file."""
    return _status(study.slug, _build(study, build_id))


def build_file(study: Study, build_id: str):
    """The built file, handed over once: 409 before it is ready, 410 once it is gone."""
    found = _build(study, build_id)
    content = take_file(found) if found.state == BuildState.READY else None
    if content is None:
        if found.state in (BuildState.DOWNLOADED, BuildState.EXPIRED):
            abort(410, f"The file was {found.state}: queue the build again for another copy.")
        abort(409, f"The file is not ready: the build is {found.state}. {found.message}".strip())
    return file_response(found, content)


def _build(study: Study, build_id: str) -> Build:
    found = find_build(study, build_id)
    if found is None or found.what == VIEW:
        abort(404, f"Study {study.slug} has no build {build_id}.")
    return found


def _status(slug: str, build: Build):
    ready = build.state == BuildState.READY
    response = jsonify(
        id=build.id,
        format=build.what,
        round=build.round_number,
        state=build.state,
        file_name=build.file_name,
        content_type=build.content_type,
        size=build.size if ready else None,
        rounds_read=build.rounds_read,
        rounds_total=build.rounds_total,
        message=build.message or None,
        queued_at=iso_time(build.queued_at),
        finished_at=iso_time(build.finished_at),
        expires_at=iso_time(expires_at(build))
        if build.state in (BuildState.READY, BuildState.FAILED)
        else None,
        file=url_for("api.report_build_file", slug=slug, build_id=build.id) if ready else None,
    )
    response.headers["Cache-Control"] = "no-store"
    if not build.finished:
        response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response
