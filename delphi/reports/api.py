"""The read-only JSON API: studies, rounds and frozen item results for scripts, and report files
built in the background (``api_builds``): 202 Accepted, then the build's state, then the file.

Authentication is a per-staff bearer token only: no cookies, no session, so no CSRF. A
coordinator sees the studies they are assigned to (others answer 404, as in the console); an
admin sees every study. Errors are JSON: ``{"error": {"status": 404, "message": "..."}}``.
"""

from __future__ import annotations

from flask import abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from delphi.auth.api_tokens import staff_for_token
from delphi.extensions import db
from delphi.models import Round, StaffUser, Study, study_staff
from delphi.reports import api_builds
from delphi.reports.builds import renders_at_once
from delphi.reports.data import ReportError, build_report
from delphi.reports.json_export import iso_time, item_dict
from delphi.reports.openapi import openapi_document
from delphi.reports.participation import participation_by_round
from delphi.reports.settings import study_settings


def authenticate() -> None:
    """Every endpoint but the OpenAPI document needs ``Authorization: Bearer <token>``."""
    if request.endpoint == "api.openapi":
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = staff_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        abort(401, "Send a valid API token as 'Authorization: Bearer <token>'.")
    g.api_user = user


def json_error(error: HTTPException):
    """Every API error is JSON: its status and a message saying what is wrong."""
    response = jsonify(error={"status": error.code, "message": error.description})
    response.status_code = error.code or 500
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="delphi"'
    return response


def _visible_studies(user: StaffUser):
    query = db.select(Study).order_by(Study.slug)
    if not user.is_admin:
        query = query.join(study_staff, study_staff.c.study_id == Study.id).where(
            study_staff.c.staff_id == user.id
        )
    return query


def visible_study(slug: str) -> Study:
    user: StaffUser = g.api_user
    study = db.session.scalar(_visible_studies(user).where(Study.slug == slug))
    if study is None:
        abort(404, f"No study {slug} is visible to you.")
    return study


def openapi():
    return jsonify(openapi_document())


def studies():
    found = db.session.scalars(_visible_studies(g.api_user)).all()
    return jsonify(
        studies=[
            {
                "slug": s.slug,
                "title": s.title,
                "status": s.status.value,
                "rounds": [{"number": r.number, "state": r.state.value} for r in s.rounds],
            }
            for s in found
        ]
    )


def study(slug: str):
    found = visible_study(slug)
    rounds = list(found.rounds)
    participation = participation_by_round(found, rounds)
    first: Round | None = rounds[0] if rounds else None
    return jsonify(
        slug=found.slug,
        title=found.title,
        description=found.description,
        status=found.status.value,
        scale={
            "min": found.scale_min,
            "max": found.scale_max,
            "labels": found.scale_labels,
            "unable_to_rate": found.unable_to_rate,
        },
        settings=(
            first.settings if first is not None and first.settings else study_settings(found)
        ),
        rounds=[
            {
                "number": r.number,
                "state": r.state.value,
                "opened_at": iso_time(r.opened_at),
                "closes_at": iso_time(r.closes_at),
                "closed_at": iso_time(r.closed_at),
                "invited": participation[r.number].invited,
                "responded": participation[r.number].responded,
            }
            for r in rounds
        ],
    )


def round_items(slug: str, number: int):
    """A closed round's items; for a study too large to read while the request waits, 202 and
    a build of the round's JSON report, as ``POST /studies/<slug>/reports`` gives."""
    found = visible_study(slug)
    if not renders_at_once(found, number):
        return api_builds.queue_and_accept(found, "json", number)
    try:
        report = build_report(found, number)
    except ReportError as error:
        abort(404, str(error))
    round_report = next(r for r in report.rounds if r.number == number)
    return jsonify(
        round=number,
        settings=round_report.settings,
        items=[item_dict(row) for row in round_report.items],
    )


def queue_report(slug: str):
    return api_builds.queue_requested(visible_study(slug))


def report_build(slug: str, build_id: str):
    return api_builds.build_status(visible_study(slug), build_id)


def report_build_file(slug: str, build_id: str):
    return api_builds.build_file(visible_study(slug), build_id)
