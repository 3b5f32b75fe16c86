"""The research team's preview of a round: the panellist's own pages, drawn as a panellist who
has answered nothing sees them, that write nothing.

The welcome page, the sections and the review page come from the questionnaire's own views and
templates (``render_welcome``, ``render_section``, ``render_review``), with their links turned
into the preview's and a banner saying what this is. From round 2 each item shows the frozen
feedback of the round before. Answers posted through the preview are dropped unread: the section's
buttons move between its pages, and autosave and submit say that nothing was saved.

A round that does not exist yet (round 1 before it opens, the next round after a review) is
built in the request's transaction exactly as opening it would build it; every preview request
ends by rolling its transaction back, so nothing it did reaches the database.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, jsonify, redirect, request, url_for

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.models import Panellist, Response, ResponseStatus, Round, RoundState, Study
from delphi.questionnaire.review_views import render_review
from delphi.questionnaire.standing import Questionnaire, Standing, agreed_items, load_questionnaire
from delphi.questionnaire.views import render_section, render_welcome
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import add_round_items
from delphi.rounds.review import launch_plan

# The questionnaire's pages the preview draws; its other links lead to the preview's welcome.
PREVIEWED = ("welcome", "section", "review", "submit", "autosave")
NOTHING_SAVED = "This is a preview: nothing was saved."


def previewed_round(study: Study, number: int) -> Round | None:
    """Round ``number`` as panellists see or will see it: the open round, a prepared draft, or
    the round that opening would create now (built in this transaction, flushed, never
    committed). None for a closed round or a number no round can have yet."""
    round_ = db.session.scalar(db.select(Round).filter_by(study_id=study.id, number=number))
    if round_ is not None:
        return None if round_.state is RoundState.CLOSED else round_
    try:
        plan = launch_plan(study)
    except RoundError:
        return None
    if plan.number != number:
        return None
    round_ = Round(study=study, number=number)
    db.session.add(round_)
    add_round_items(round_, plan.carried_forward + plan.reworded + plan.new)
    db.session.flush()
    return round_


def preview_questionnaire(study: Study, round_: Round) -> Questionnaire:
    """The questionnaire of ``round_`` for a stand-in panellist with no answers: objects that
    are never added to the session, so nothing of them can be written."""
    panellist = Panellist(name="Preview", group="", pseudonym="Preview")
    response = Response(status=ResponseStatus.INVITED)
    previous = (
        db.session.scalar(db.select(Round).filter_by(study_id=study.id, number=round_.number - 1))
        if round_.number > 1
        else None
    )
    responses: dict[int, Response | None] = {round_.id: response}
    if previous is not None:
        responses[previous.id] = None  # no own rating of the round before
    standing = Standing(panellist, study, round_, previous, responses)
    questionnaire = load_questionnaire(standing, round_, create=False)
    assert questionnaire is not None  # the stand-in response is given
    questionnaire.agreed = agreed_items(study, round_)
    return questionnaire


def _links(study: Study, number: int):
    """``url_for`` for the questionnaire's templates: their links lead through the preview."""

    def preview_url_for(endpoint: str, **values) -> str:
        if not endpoint.startswith("questionnaire."):
            return url_for(endpoint, **values)
        page = endpoint.partition(".")[2]
        page = page if page in PREVIEWED else "welcome"
        kept = {key: values[key] for key in ("index", "_anchor") if key in values}
        if page != "section":
            kept.pop("index", None)
        return url_for(f"preview.{page}", slug=study.slug, number=number, **kept)

    return preview_url_for


def previewing(view):
    """Staff of the study only (login and role): build the previewed questionnaire, let the
    view draw it, and roll back whatever the request did."""

    @wraps(view)
    @study_required
    def wrapper(study: Study, number: int, **kwargs):
        try:
            round_ = previewed_round(study, number)
            if round_ is None:
                abort(404)
            questionnaire = preview_questionnaire(study, round_)
            context = {
                "url_for": _links(study, number),
                "preview": {
                    "number": number,
                    "opened": round_.state is RoundState.OPEN,
                    "back": url_for("rounds.dashboard", slug=study.slug),
                },
            }
            with db.session.no_autoflush:
                return view(questionnaire, context, **kwargs)
        finally:
            db.session.rollback()

    return wrapper


@previewing
def welcome(questionnaire: Questionnaire, context: dict):
    return render_welcome(questionnaire, "", **context)


@previewing
def section(questionnaire: Questionnaire, context: dict, index: int):
    """The section as a panellist sees it; a post only moves to the page its button asks for
    (a round built for the preview gets new item ids on every request, so posted answers could
    not even be matched to its items)."""
    if request.method == "GET":
        return render_section(questionnaire, index, "", **context)
    flash(NOTHING_SAVED, "info")
    return redirect(_next_page(questionnaire, index, request.form.get("action", "save")))


def _next_page(questionnaire: Questionnaire, index: int, action: str) -> str:
    """Where a section's buttons lead in the preview: the section asked for, or the review."""
    number, study = questionnaire.round.number, questionnaire.study
    steps = {"next": index + 1, "previous": index - 1}
    if action.startswith("goto-") and action[5:].isdigit():
        target = int(action[5:])
    else:
        target = steps.get(action, index)
    if action == "review" or target > len(questionnaire.sections):
        return url_for("preview.review", slug=study.slug, number=number)
    target = min(max(target, 1), len(questionnaire.sections))
    return url_for("preview.section", slug=study.slug, number=number, index=target)


@previewing
def autosave(questionnaire: Questionnaire, context: dict):
    return jsonify(status="preview", message=NOTHING_SAVED)


@previewing
def review(questionnaire: Questionnaire, context: dict):
    return render_review(questionnaire, "", **context)


@previewing
def submit(questionnaire: Questionnaire, context: dict):
    flash("This is a preview: nothing was submitted.", "info")
    study, number = questionnaire.study, questionnaire.round.number
    return redirect(url_for("preview.review", slug=study.slug, number=number))
