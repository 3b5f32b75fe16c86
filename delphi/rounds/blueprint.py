"""Every URL of the console's round pages, on one screen."""
from flask import Blueprint

from delphi.rounds import views

blueprint = Blueprint("rounds", __name__, url_prefix="/console/studies/<slug>/rounds")

ROUND = "/<int:number>"
ITEM = ROUND + "/items/<int:round_item_id>"

blueprint.add_url_rule("/", "dashboard", views.dashboard, methods=["GET"])
blueprint.add_url_rule("/open", "open_first", views.open_first, methods=["GET", "POST"])
blueprint.add_url_rule(ROUND + "/close", "close", views.close, methods=["GET", "POST"])
blueprint.add_url_rule(ROUND + "/deadline", "deadline", views.deadline, methods=["POST"])
blueprint.add_url_rule(ROUND + "/remind", "remind", views.remind, methods=["GET", "POST"])
blueprint.add_url_rule(ROUND + "/review", "review", views.review, methods=["GET"])
blueprint.add_url_rule(ITEM + "/decision", "decide", views.decide, methods=["POST"])
blueprint.add_url_rule(ITEM + "/reword", "reword", views.reword, methods=["GET", "POST"])
blueprint.add_url_rule(ITEM + "/reword/undo", "undo_reword", views.undo_reword, methods=["POST"])
blueprint.add_url_rule(ROUND + "/suggestions/<int:suggestion_id>", "suggestion",
                       views.suggestion, methods=["POST"])
blueprint.add_url_rule(ROUND + "/suggestions/<int:suggestion_id>/undo", "undo_suggestion",
                       views.undo_suggestion, methods=["POST"])
blueprint.add_url_rule(ROUND + "/next", "open_next", views.open_next, methods=["GET", "POST"])
blueprint.add_url_rule(ROUND + "/complete", "complete", views.complete, methods=["GET", "POST"])
