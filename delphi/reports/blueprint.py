"""Every URL of the reports console pages in one place."""
from __future__ import annotations

from flask import Blueprint

from delphi.reports import views

blueprint = Blueprint("reports", __name__, url_prefix="/console/studies/<slug>/reports")

blueprint.add_url_rule("", "index", views.index)
blueprint.add_url_rule("/view", "view", views.view)
blueprint.add_url_rule("/download/<format_name>", "download", views.download)
blueprint.add_url_rule("/api-token", "api_token", views.api_token, methods=["POST"])
