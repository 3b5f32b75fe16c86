"""Every URL of the console's round pages, on one screen."""

from __future__ import annotations

from flask import Blueprint

from delphi.rounds import views
from delphi.routing import BOTH, GET, POST, add_rules

blueprint = Blueprint("rounds", __name__, url_prefix="/console/studies/<slug>/rounds")

ROUND = "/<int:number>"
ITEM = ROUND + "/items/<int:round_item_id>"
SUGGESTION = ROUND + "/suggestions/<int:suggestion_id>"

RULES = [
    ("/", "dashboard", views.dashboard, GET),
    ("/open", "open_first", views.open_first, BOTH),
    (ROUND + "/close", "close", views.close, BOTH),
    (ROUND + "/deadline", "deadline", views.deadline, POST),
    (ROUND + "/remind", "remind", views.remind, BOTH),
    (ROUND + "/review", "review", views.review, GET),
    (ITEM + "/decision", "decide", views.decide, POST),
    (ITEM + "/reword", "reword", views.reword, BOTH),
    (ITEM + "/reword/undo", "undo_reword", views.undo_reword, POST),
    (SUGGESTION, "suggestion", views.suggestion, POST),
    (SUGGESTION + "/undo", "undo_suggestion", views.undo_suggestion, POST),
    (ROUND + "/next", "open_next", views.open_next, BOTH),
    (ROUND + "/complete", "complete", views.complete, BOTH),
]

add_rules(blueprint, RULES)
