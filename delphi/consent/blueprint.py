"""Every URL of a study's Consent page in the console. The panellist's consent pages are on the
questionnaire's blueprint, under their personal link."""

from __future__ import annotations

from flask import Blueprint

from delphi.consent import console_views as views
from delphi.routing import GET, POST, add_rules

blueprint = Blueprint("consent", __name__, url_prefix="/console/studies/<slug>/consent")

RULES = [
    ("", "consent_page", views.consent_page, GET),
    ("", "save_consent", views.save_consent, POST),
    ("/questions", "save_questions", views.save_questions, POST),
    ("/log.csv", "consent_log", views.log_csv, POST),
]

add_rules(blueprint, RULES)
