"""The URL of a study's audit trail page."""

from __future__ import annotations

from flask import Blueprint

from delphi.audit import views
from delphi.routing import GET, add_rules

blueprint = Blueprint("audit", __name__, url_prefix="/console/studies/<slug>/audit")

RULES = [
    ("", "audit", views.audit, GET),
]

add_rules(blueprint, RULES)
