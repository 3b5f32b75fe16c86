"""Every URL a panellist uses, on one screen. The personal link's token is the only credential.
The research team's preview of the same pages has its own blueprint, below."""

from __future__ import annotations

import hashlib

from flask import Blueprint, request
from flask_limiter.util import get_remote_address

from delphi import request_logging
from delphi.consent import panellist_views as consent_views
from delphi.extensions import limiter
from delphi.questionnaire import documents, preview, review_views, views
from delphi.routing import BOTH, GET, POST, add_rules

blueprint = Blueprint("questionnaire", __name__, url_prefix="/p/<token>")

# Per client address and link: a generous ceiling, far above a panellist saving as they go, so
# one client cannot flood the server. Unknown links have a limit of their own (unknown_links).
LINK_LIMIT = "300/minute"


def _link_key() -> str:
    token = (request.view_args or {}).get("token", "")
    return f"{get_remote_address()}|{hashlib.sha256(token.encode()).hexdigest()}"


limiter.limit(
    LINK_LIMIT,
    key_func=_link_key,
    error_message="Too many requests with this link. Wait a minute and try again.",
)(blueprint)

ROUND = "/round/<int:number>"

RULES = [
    ("", "welcome", views.welcome, GET),
    ("/consent", "consent", consent_views.consent, BOTH),
    ("/background", "background", consent_views.background, BOTH),
    ("/withdraw", "withdraw", consent_views.withdraw, BOTH),
    (f"{ROUND}/section/<int:index>", "section", views.section, BOTH),
    (f"{ROUND}/autosave", "autosave", views.autosave, POST),
    (f"{ROUND}/review", "review", review_views.review, GET),
    (f"{ROUND}/submit", "submit", review_views.submit, POST),
    (f"{ROUND}/done", "done", review_views.done, GET),
    (f"{ROUND}/suggest", "suggest", review_views.suggest, BOTH),
    ("/answers", "my_answers", review_views.my_answers, GET),
    ("/documents/<int:document_id>", "document", documents.document, GET),
]

add_rules(blueprint, RULES)

blueprint.register_error_handler(400, views.bad_request)

# The research team's preview of a round: the same pages, for staff of the study, saving nothing.
preview_blueprint = Blueprint(
    "preview", __name__, url_prefix="/console/studies/<slug>/rounds/<int:number>/preview"
)

PREVIEW_RULES = [
    ("/", "welcome", preview.welcome, GET),
    ("/section/<int:index>", "section", preview.section, BOTH),
    ("/autosave", "autosave", preview.autosave, POST),
    ("/review", "review", preview.review, GET),
    ("/submit", "submit", preview.submit, POST),
]

add_rules(preview_blueprint, PREVIEW_RULES)


@blueprint.record_once
def _keep_tokens_out_of_logs(state) -> None:
    """Request logs print paths: redact personal-link tokens from werkzeug's and the app's log."""
    request_logging.install("werkzeug", state.app.logger.name)
