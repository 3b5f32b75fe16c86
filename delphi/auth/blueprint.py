"""Every URL of staff sign-in and account administration, on one screen."""

from __future__ import annotations

from flask import Blueprint

from delphi.auth import views
from delphi.routing import BOTH, POST, add_rules

blueprint = Blueprint("auth", __name__)
# Every staff page's header carries the sign-out button and its CSRF token.
blueprint.app_context_processor(views.logout_form)

RULES = [
    ("/login", "login", views.login, BOTH),
    ("/logout", "logout", views.logout, POST),
    ("/logout/everywhere", "logout_everywhere", views.logout_everywhere, POST),
    ("/admin/staff", "staff", views.staff, BOTH),  # administrators only
    ("/admin/staff/<int:staff_id>", "staff_edit", views.staff_edit, BOTH),  # administrators only
]

add_rules(blueprint, RULES)
