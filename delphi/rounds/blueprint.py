"""Every URL of the console's round pages, on one screen."""

from __future__ import annotations

from flask import Blueprint

from delphi.rounds import review_views, views
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
    (ROUND + "/review", "review", review_views.review, GET),
    (ITEM + "/decision", "decide", review_views.decide, POST),
    (ITEM + "/summary", "summary", review_views.summary, POST),
    (ITEM + "/reword", "reword", review_views.reword, BOTH),
    (ITEM + "/reword/undo", "undo_reword", review_views.undo_reword, POST),
    (SUGGESTION, "suggestion", review_views.suggestion, POST),
    (SUGGESTION + "/undo", "undo_suggestion", review_views.undo_suggestion, POST),
    (ROUND + "/next", "open_next", review_views.open_next, BOTH),
    (ROUND + "/complete", "complete", review_views.complete, BOTH),
]

add_rules(blueprint, RULES)
