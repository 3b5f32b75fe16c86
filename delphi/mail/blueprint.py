"""Every URL of a study's messages page: sending, retrying, its texts and development files."""

from __future__ import annotations

from flask import Blueprint

from delphi.mail import views
from delphi.routing import GET, POST, add_rules

blueprint = Blueprint("mail", __name__, url_prefix="/console/studies/<slug>/messages")

RULES = [
    ("", "messages", views.messages, GET),
    ("/send", "send", views.send, POST),
    ("/retry", "retry_mail", views.retry, POST),
    ("/texts", "texts", views.texts, POST),
    ("/files/<name>", "dev_file", views.dev_file, GET),
]

add_rules(blueprint, RULES)
