"""The panellist's pages after answering: the review before submitting, submitting, the thank-you
page, suggestions to the research team, and the panellist's history of answers. Thin views, as in
``views``: load the questionnaire, call an operation, commit once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from delphi.extensions import db
from delphi.models import ResponseStatus, SuggestionKind
from delphi.questionnaire.forms import SuggestionForm, missing_reasons
from delphi.questionnaire.history import answers_history
from delphi.questionnaire.standing import Questionnaire, standing_for
from delphi.questionnaire.suggestions import suggest as store_suggestion
from delphi.questionnaire.views import invalid_link, refuse_answers, with_round, withdrawn
from delphi.rounds.answers import save_answers
from delphi.rounds.errors import AnswerError, RoundError


@with_round
def review(questionnaire: Questionnaire, token: str):
    return render_review(questionnaire, token)


def render_review(questionnaire: Questionnaire, token: str, status: int = 200, **context):
    return render_template(
        "questionnaire/review.html",
        **context,
        questionnaire=questionnaire,
        token=token,
        unrated=questionnaire.unrated(),
        needing_reason=missing_reasons(questionnaire),
    ), status


@with_round
def submit(questionnaire: Questionnaire, token: str):
    if missing_reasons(questionnaire):
        return render_review(questionnaire, token, status=422)
    try:
        save_answers(questionnaire.response, [], submit=True)
    except RoundError:
        return refuse_answers(questionnaire, None)
    db.session.commit()
    return redirect(url_for("questionnaire.done", token=token, number=questionnaire.round.number))


@with_round
def done(questionnaire: Questionnaire, token: str):
    if not questionnaire.submitted:
        return redirect(
            url_for("questionnaire.review", token=token, number=questionnaire.round.number)
        )
    return render_template("questionnaire/done.html", questionnaire=questionnaire, token=token)


@with_round
def suggest(questionnaire: Questionnaire, token: str):
    back = request.args.get("back", default=1, type=int)
    part = questionnaire.part(back)
    if part is None:
        back, part = 1, questionnaire.part(1)
    form = SuggestionForm(questionnaire)
    if request.method == "GET" and part is not None:
        form.section.data = part.section.id
    if form.validate_on_submit():
        try:
            store_suggestion(
                questionnaire,
                SuggestionKind(form.kind.data),
                form.text.data,
                section_id=form.section.data,
                item_id=form.item.data,
            )
        except AnswerError as error:
            abort(400, description=str(error))
        except RoundError:
            return refuse_answers(questionnaire, None)
        db.session.commit()
        flash("Thank you: your suggestion has been passed to the research team.", "success")
        return redirect(
            url_for(
                "questionnaire.section", token=token, number=questionnaire.round.number, index=back
            )
        )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "questionnaire/suggest.html", questionnaire=questionnaire, token=token, form=form, back=back
    ), status


def my_answers(token: str):
    standing = standing_for(token)
    if standing is None:
        return invalid_link()
    if not standing.panellist.active:
        return withdrawn(standing)
    return render_template(
        "questionnaire/my_answers.html",
        standing=standing,
        token=token,
        rounds=answers_history(standing.panellist),
        ResponseStatus=ResponseStatus,
    )
