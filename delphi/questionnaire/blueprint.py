"""Every URL a panellist uses, on one screen. The personal link's token is the only credential."""
from __future__ import annotations

from flask import Blueprint

from delphi.questionnaire import logging as token_logging
from delphi.questionnaire import views
from delphi.questionnaire.charts import number

blueprint = Blueprint("questionnaire", __name__, url_prefix="/p/<token>")

ROUND = "/round/<int:number>"
blueprint.add_url_rule("", view_func=views.welcome, methods=["GET"])
blueprint.add_url_rule(f"{ROUND}/section/<int:index>", view_func=views.section,
                       methods=["GET", "POST"])
blueprint.add_url_rule(f"{ROUND}/autosave", view_func=views.autosave, methods=["POST"])
blueprint.add_url_rule(f"{ROUND}/review", view_func=views.review, methods=["GET"])
blueprint.add_url_rule(f"{ROUND}/submit", view_func=views.submit, methods=["POST"])
blueprint.add_url_rule(f"{ROUND}/done", view_func=views.done, methods=["GET"])
blueprint.add_url_rule(f"{ROUND}/suggest", view_func=views.suggest, methods=["GET", "POST"])
blueprint.add_url_rule("/answers", view_func=views.my_answers, methods=["GET"])

blueprint.register_error_handler(400, views.bad_request)


@blueprint.record_once
def _keep_tokens_out_of_logs(state) -> None:
    """Request logs print paths: redact personal-link tokens from werkzeug's and the app's log."""
    token_logging.install("werkzeug", state.app.logger.name)


@blueprint.context_processor
def _template_helpers() -> dict:
    return {"number": number}
