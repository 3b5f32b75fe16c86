"""The panellist's answering pages: thin views that load the questionnaire, call an operation,
commit once. Here: resolving a link (``with_round``), the welcome page, the sections, autosave, and
the pages shown instead when the link, the panellist or the round refuses; reviewing, submitting
and suggesting are in ``review_views``."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from delphi.consent.gate import before_answering
from delphi.extensions import db
from delphi.formatting import local_time
from delphi.models import Round, RoundState, StudyStatus
from delphi.questionnaire.fieldsets import Fieldsets
from delphi.questionnaire.forms import PostedAnswers, TamperedInput, missing_reasons, parse_answers
from delphi.questionnaire.history import answered_items
from delphi.questionnaire.standing import (
    Questionnaire,
    Standing,
    agreed_items,
    load_questionnaire,
    mark_opened,
    progress_text,
    round_of,
    standing_for,
)
from delphi.questionnaire.unknown_links import count_unknown_link
from delphi.rounds.answers import Answer, save_answers
from delphi.rounds.errors import AnswerError, RoundError
from delphi.studies.documents import documents_of

SECONDS_PER_ITEM = 20  # for "how long it takes" on the welcome page


def invalid_link():
    """The same plain page for every unknown, revoked or erased link: it reveals nothing.
    Counted against the client's address; too many in a minute get 429 instead."""
    count_unknown_link()
    return render_template("questionnaire/invalid_link.html"), 404


def withdrawn(standing: Standing):
    """The page for every URL of a withdrawn panellist's link: it shows none of their answers."""
    return render_template("questionnaire/withdrawn.html", study=standing.study), 403


def round_not_open(standing: Standing, number: int, round_: Round | None, token: str):
    """A valid link with the number of a round that has not opened (or does not exist): say
    so, and lead to the round that is open, if any. Nothing of another panellist's shows."""
    return render_template(
        "questionnaire/round_not_open.html",
        study=standing.study,
        number=number,
        prepared=round_ is not None,
        current=standing.open_round,
        token=token,
    ), 404


def with_round(view):
    """Resolve the token and round number into a questionnaire, or answer with the right page.

    Unknown links get the invalid-link page; a withdrawn panellist the withdrawn page; a round
    that has not opened a page saying so; a closed round sends GET requests to the welcome
    page, which explains. POSTs to a closed
    round reach the view, which refuses them and keeps what was typed.
    """

    @wraps(view)
    def wrapper(token: str, number: int, **kwargs):
        standing = standing_for(token)
        if standing is None:
            return invalid_link()
        if not standing.panellist.active:
            return withdrawn(standing)
        first = before_answering(standing.panellist, token)
        if first is not None:
            return first
        round_ = round_of(standing, number)
        if round_ is None or round_.state is RoundState.DRAFT:
            return round_not_open(standing, number, round_, token)
        is_open = round_.state is RoundState.OPEN
        if not is_open and request.method == "GET":
            return redirect(url_for("questionnaire.welcome", token=token))
        questionnaire = load_questionnaire(standing, round_, create=is_open)
        if questionnaire is None:
            return invalid_link()
        return view(questionnaire, token=token, **kwargs)

    return wrapper


def welcome(token: str):
    standing = standing_for(token)
    if standing is None:
        return invalid_link()
    if not standing.panellist.active:
        return withdrawn(standing)
    first = before_answering(standing.panellist, token)
    if first is not None:
        return first
    round_ = standing.open_round
    if round_ is None:
        return _waiting(standing, _last_closed(standing), token)
    questionnaire = load_questionnaire(standing, round_)
    questionnaire.agreed = agreed_items(standing.study, round_)
    mark_opened(questionnaire)
    db.session.commit()
    return render_welcome(questionnaire, token)


def render_welcome(questionnaire: Questionnaire, token: str, **context):
    """The welcome page of a round; the team's preview adds its own ``context``."""
    minutes = max(1, round(questionnaire.total * SECONDS_PER_ITEM / 60))
    return render_template(
        "questionnaire/welcome.html",
        **context,
        questionnaire=questionnaire,
        token=token,
        minutes=minutes,
        next_index=_first_unfinished(questionnaire),
        documents=documents_of(questionnaire.study),
    )


def _last_closed(standing: Standing) -> Questionnaire | None:
    """The panellist's response to the last closed round, if any (the next may be prepared)."""
    latest = standing.latest
    if latest is not None and latest.state is RoundState.DRAFT and latest.number > 1:
        latest = round_of(standing, latest.number - 1)
    if latest is None or latest.state is not RoundState.CLOSED:
        return None
    return load_questionnaire(standing, latest, create=False)


def _first_unfinished(questionnaire: Questionnaire) -> int:
    return next((p.index for p in questionnaire.sections if p.rated < len(p.round_items)), 1)


def _stored_values(questionnaire: Questionnaire) -> dict[int, Answer]:
    """What each item's controls show: the stored answer, or the previous rating if preselected."""
    values = {}
    for round_item in questionnaire.round_items:
        rating = questionnaire.ratings.get(round_item.id)
        if rating is not None:
            values[round_item.id] = Answer(
                round_item.id, rating.value, rating.unable, rating.comment, rating.reason
            )
            continue
        feedback = questionnaire.feedback.get(round_item.id)
        if questionnaire.study.preselect_previous and feedback is not None:
            values[round_item.id] = Answer(round_item.id, feedback.own_value, feedback.own_unable)
    return values


def render_section(
    questionnaire: Questionnaire,
    index: int,
    token: str,
    *,
    values: dict[int, Answer] | None = None,
    comments: dict[int, str] | None = None,
    problems: dict[str, str] | None = None,
    status: int = 200,
    **context,
):
    """A section page as typed or stored; the team's preview adds its own ``context``."""
    part = questionnaire.part(index)
    if part is None:
        abort(404)
    values = values if values is not None else _stored_values(questionnaire)
    in_part = {ri.id for ri in part.round_items}
    needing_reason = [
        ri for ri in missing_reasons(questionnaire, list(values.values())) if ri.id in in_part
    ]
    return render_template(
        "questionnaire/section.html",
        **context,
        questionnaire=questionnaire,
        part=part,
        token=token,
        values=values,
        comments=comments if comments is not None else questionnaire.section_comments,
        needing_reason=needing_reason,
        problems=problems or {},
        fieldsets=Fieldsets(questionnaire.study, questionnaire.round.number),
        documents=documents_of(questionnaire.study),
    ), status


@with_round
def section(questionnaire: Questionnaire, token: str, index: int):
    if request.method == "GET":
        return render_section(questionnaire, index, token)
    posted = parse_or_400(questionnaire)
    if posted.problems or (
        questionnaire.submitted and missing_reasons(questionnaire, posted.answers)
    ):
        # A text that cannot be stored, or submitted answers left incomplete: show the form as
        # typed with what is wrong, store nothing.
        values = _stored_values(questionnaire) | {a.round_item_id: a for a in posted.answers}
        comments = questionnaire.section_comments | posted.section_comments
        return render_section(
            questionnaire,
            index,
            token,
            values=values,
            comments=comments,
            problems=posted.problems,
            status=422,
        )
    refused = _save(questionnaire, posted)
    if refused is not None:
        return refused
    db.session.commit()
    return redirect(_after_save(questionnaire, index, token))


def parse_or_400(questionnaire: Questionnaire) -> PostedAnswers:
    try:
        return parse_answers(request.form, questionnaire)
    except TamperedInput as error:
        abort(400, description=str(error))


def _save(questionnaire: Questionnaire, posted: PostedAnswers):
    """Store the posted answers (a draft, or changes to submitted ones); None when stored,
    else the response that refuses them."""
    try:
        save_answers(
            questionnaire.response,
            posted.answers,
            submit=False,
            section_comments=posted.section_comments,
        )
    except AnswerError as error:
        abort(400, description=str(error))
    except RoundError:
        return refuse_answers(questionnaire, posted)
    return None


def refuse_answers(questionnaire: Questionnaire, posted: PostedAnswers | None):
    """The round closed (or the panellist withdrew) while answering: refuse, keep a late draft."""
    db.session.rollback()
    if not questionnaire.panellist.active:
        return render_template("questionnaire/withdrawn.html", study=questionnaire.study), 403
    kept = False
    if (
        posted is not None
        and not questionnaire.submitted
        and (posted.answers or posted.section_comments)
    ):
        save_answers(
            questionnaire.response,
            posted.answers,
            submit=False,
            section_comments=posted.section_comments,
            late_draft=True,
        )
        kept = True
    db.session.commit()
    message = _closed_message(questionnaire, kept)
    if request.path.endswith("/autosave"):
        return jsonify(status="closed", message=message), 409
    standing = Standing(
        panellist=questionnaire.panellist, study=questionnaire.study, latest=questionnaire.round
    )
    closed = load_questionnaire(standing, questionnaire.round, create=False)
    assert request.view_args is not None  # the questionnaire's routes all take the token
    return _waiting(standing, closed, request.view_args["token"], refusal=message, status=409)


def _waiting(
    standing: Standing,
    closed: Questionnaire | None,
    token: str,
    *,
    refusal: str | None = None,
    status: int = 200,
):
    """The page for a study with no open round: not started, between rounds, or complete."""
    draft = answered_items(closed) if closed is not None and not closed.submitted else []
    return render_template(
        "questionnaire/waiting.html",
        standing=standing,
        closed=closed,
        token=token,
        complete=standing.study.status is StudyStatus.COMPLETE,
        draft=draft,
        refusal=refusal,
    ), status


def _closed_message(questionnaire: Questionnaire, kept: bool) -> str:
    number = questionnaire.round.number
    if questionnaire.submitted:
        return (
            f"Round {number} has closed, so your answers can no longer be changed. "
            "The answers you submitted before it closed are the ones counted."
        )
    if kept:
        return (
            f"Round {number} closed before your answers were submitted, so they could not "
            "be submitted. What you typed is kept as a draft below; it is not counted."
        )
    return f"Round {number} has closed, so answers can no longer be submitted."


def _after_save(questionnaire: Questionnaire, index: int, token: str) -> str:
    action = request.form.get("action", "save")
    number = questionnaire.round.number
    target = index
    if action == "next":
        target = index + 1
    elif action == "previous":
        target = index - 1
    elif action.startswith("goto-") and action[5:].isdigit():
        target = int(action[5:])
    elif action == "suggest":
        return url_for("questionnaire.suggest", token=token, number=number, back=index)
    elif action == "review":
        return url_for("questionnaire.review", token=token, number=number)
    elif questionnaire.submitted:
        flash("Your changes are saved and replace the answers you submitted.", "success")
    else:
        flash(
            "Your answers are saved as a draft. You can come back to them with your link.",
            "success",
        )
    if target > len(questionnaire.sections):
        return url_for("questionnaire.review", token=token, number=number)
    target = min(max(target, 1), len(questionnaire.sections))
    return url_for("questionnaire.section", token=token, number=number, index=target)


@with_round
def autosave(questionnaire: Questionnaire, token: str):
    """Save the section form as the panellist moves on; answers JSON for the script."""
    posted = parse_or_400(questionnaire)
    if posted.problems:
        return jsonify(
            status="invalid", message="Not saved yet. " + " ".join(posted.problems.values())
        ), 422
    if questionnaire.submitted and missing_reasons(questionnaire, posted.answers):
        return jsonify(
            status="invalid",
            message="Not saved yet: a rating outside the group's "
            "middle range needs a short reason.",
        ), 422
    refused = _save(questionnaire, posted)
    if refused is not None:
        return refused
    db.session.commit()
    response = questionnaire.response
    rated_ids = {r.round_item_id for r in response.ratings if r.value is not None or r.unable}
    unable = sum(r.unable for r in response.ratings)
    sections = {
        str(part.index): f"({sum(ri.id in rated_ids for ri in part.round_items)}/"
        f"{len(part.round_items)})"
        for part in questionnaire.sections
    }
    assert response.saved_at is not None  # save_answers has just set it
    at = local_time(response.saved_at, questionnaire.study.time_zone, time_only=True)
    return jsonify(
        status="saved",
        # After submitting, a change replaces the submitted answers: it is no draft.
        message=f"Your submitted answers were updated at {at}."
        if questionnaire.submitted
        else f"Draft saved at {at}.",
        progress=progress_text(len(rated_ids) - unable, unable, questionnaire.total),
        sections=sections,
    )


def bad_request(error: HTTPException):
    """Tampered or stale input: a 400 saying what was wrong; JSON for the autosave script."""
    db.session.rollback()
    message = error.description or "The form could not be read."
    if isinstance(error, CSRFError):
        message = (
            "This page has expired or the form did not come from it (its security token "
            "is missing or wrong). Nothing was saved. Go back, reload the page and try "
            "again."
        )
    if request.path.endswith("/autosave"):
        return jsonify(status="error", message=message), 400
    return render_template("questionnaire/bad_request.html", message=message), 400
