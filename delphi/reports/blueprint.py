"""Every URL of the reports: the console pages and the read-only JSON API, in one place."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from delphi.reports import api, views
from delphi.routing import GET, POST, Rule, add_rules

blueprint = Blueprint("reports", __name__, url_prefix="/console/studies/<slug>/reports")

RULES = [
    ("", "index", views.index, GET),
    ("/view", "view", views.view, GET),
    ("/builds", "build", views.build, POST),
    ("/builds/<build_id>", "build_page", views.build_page, GET),
    ("/builds/<build_id>/download", "build_download", views.build_download, POST),
    ("/builds/<build_id>/view", "build_view", views.build_view, GET),
    ("/api-token", "api_token", views.api_token, POST),
]

add_rules(blueprint, RULES)

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
api_blueprint.before_request(api.authenticate)
api_blueprint.register_error_handler(HTTPException, api.json_error)

API_RULES: list[Rule] = [
    ("/openapi.json", "openapi", api.openapi, GET),
    ("/studies", "studies", api.studies, GET),
    ("/studies/<slug>", "study", api.study, GET),
    ("/studies/<slug>/rounds/<int:number>/items", "round_items", api.round_items, GET),
    ("/studies/<slug>/reports", "report_builds", api.queue_report, POST),
    ("/studies/<slug>/reports/builds/<build_id>", "report_build", api.report_build, GET),
    (
        "/studies/<slug>/reports/builds/<build_id>/file",
        "report_build_file",
        api.report_build_file,
        GET,
    ),
]

add_rules(api_blueprint, API_RULES)
