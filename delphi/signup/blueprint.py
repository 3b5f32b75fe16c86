"""Every URL of open sign-up: the public page and its confirmation link, and the console page
where the team reviews sign-ups."""

from __future__ import annotations

from flask import Blueprint
from flask_limiter.util import get_remote_address

from delphi.extensions import limiter
from delphi.routing import BOTH, GET, POST, add_rules
from delphi.signup import views

blueprint = Blueprint("signup", __name__)

# Per client address, on posts only: enough for a household or an office sharing an address
# to sign up, too few to flood a panel's outbox or try addresses at speed.
SIGNUP_LIMIT = "5/minute;30/hour"

_limited = limiter.limit(
    SIGNUP_LIMIT,
    key_func=get_remote_address,
    methods=["POST"],
    error_message="Too many sign-ups from this address. Wait a few minutes and try again.",
)

RULES = [
    ("/signup/<slug>", "signup_page", _limited(views.signup_page), BOTH),
    ("/signup/confirm/<token>", "confirm", _limited(views.confirm_page), BOTH),
    ("/console/studies/<slug>/signup", "console", views.console, GET),
    ("/console/studies/<slug>/signup/<int:signup_id>/accept", "accept", views.accept_view, POST),
    ("/console/studies/<slug>/signup/<int:signup_id>/decline", "decline", views.decline_view, POST),
]

add_rules(blueprint, RULES)
