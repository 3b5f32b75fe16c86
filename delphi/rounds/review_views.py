"""The research team's pages between rounds: the review of a closed round, decisions, rewordings,
suggestions, taking them back, opening the next round and completing the study.

Views are thin: they read the form, call one lifecycle or review operation (which checks the
transition and records the audit event), commit once, and show the operation's refusal on the
page when there is one.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.models import Decision, Round, RoundItem, RoundState, Study, Suggestion, SuggestionKind
from delphi.page_actions import carry_out
from delphi.reports.data import ReportError, build_report
from delphi.rounds.errors import RoundError
from delphi.rounds.forms import (
    ArgumentSummaryForm,
    ConfirmForm,
    DeadlineForm,
    DecisionForm,
    RewordForm,
    SuggestionForm,
)
from delphi.rounds.lifecycle import current_round
from delphi.rounds.lifecycle import decide as decide_item
from delphi.rounds.review import (
    add_item_from_suggestion,
    complete_study,
    decline_suggestion,
    launch_next_round,
    require_completable,
    reword_item,
    summarise_arguments,
)
from delphi.rounds.review_page import review as closed_round_review
from delphi.rounds.review_page import said_about
from delphi.rounds.undo import undo_item_from_suggestion, undo_rewording
from delphi.rounds.views import form_problems, render_open, round_or_404


def _round_item(round_: Round, round_item_id: int) -> RoundItem:
    """The round's item; 404 for an item of another round (or study), however the form says."""
    return db.first_or_404(db.select(RoundItem).filter_by(id=round_item_id, round_id=round_.id))


def _at_item(study: Study, number: int, round_item: RoundItem) -> str:
    """The review page of round ``number``, scrolled to the item."""
    return url_for("rounds.review", slug=study.slug, number=number, _anchor=f"item-{round_item.id}")


def _render_review(study: Study, round_: Round, *, failed: dict | None = None, status=200):
    """The review page; ``failed`` holds a submitted form with its errors, keyed by target."""
    if round_.state is not RoundState.CLOSED:
        flash(
            f"Round {round_.number} is {round_.state.value}; it is reviewed once it closes.",
            "error",
        )
        return redirect(url_for("rounds.dashboard", slug=study.slug))
    view = closed_round_review(round_)
    failed = failed or {}
    decision_forms = {
        row.round_item.id: failed.get(("decide", row.round_item.id))
        or DecisionForm(
            prefix=f"item-{row.round_item.id}",
            formdata=None,
            data={"decision": row.round_item.decision.value if row.round_item.decision else None},
        )
        for row in view.items
    }
    suggestion_forms = {
        row.suggestion.id: failed.get(("suggestion", row.suggestion.id))
        or SuggestionForm(
            prefix=f"suggestion-{row.suggestion.id}",
            formdata=None,
            sections=view.sections,
            data={"text": row.suggestion.text, "section": row.suggestion.section_id},
        )
        for row in view.suggestions
    }
    summary_forms = {
        row.round_item.id: failed.get(("summary", row.round_item.id))
        or ArgumentSummaryForm(
            prefix=f"summary-{row.round_item.id}",
            formdata=None,
            data={"summary": row.round_item.argument_summary},
        )
        for row in view.items
    }
    return render_template(
        "rounds/review.html",
        study=study,
        view=view,
        problems=form_problems(*failed.values()),
        decision_forms=decision_forms,
        suggestion_forms=suggestion_forms,
        summary_forms=summary_forms,
        next_form=DeadlineForm(formdata=None),
        undo_form=ConfirmForm(formdata=None),
    ), status


@study_required
def review(study: Study, number: int):
    return _render_review(study, round_or_404(study, number))


@study_required
def decide(study: Study, number: int, round_item_id: int):
    round_ = round_or_404(study, number)
    round_item = _round_item(round_, round_item_id)
    form = DecisionForm(prefix=f"item-{round_item.id}")
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: decide_item(
                round_item, Decision(form.decision.data), reason=form.reason.data, by=current_user
            ),
            done=f"Item {round_item.code}: decision saved.",
            to=_at_item(study, number, round_item),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    return _render_review(study, round_, failed={("decide", round_item.id): form}, status=400)


@study_required
def summary(study: Study, number: int, round_item_id: int):
    """Save the team's summary of the arguments in an item's comments."""
    round_ = round_or_404(study, number)
    round_item = _round_item(round_, round_item_id)
    form = ArgumentSummaryForm(prefix=f"summary-{round_item.id}")
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: summarise_arguments(round_item, form.summary.data or "", by=current_user),
            done=f"Item {round_item.code}: summary of the arguments saved.",
            to=_at_item(study, number, round_item),
            form=form,
            field="summary",
            category="success",
        )
        if redirected:
            return redirected
    return _render_review(study, round_, failed={("summary", round_item.id): form}, status=400)


@study_required
def reword(study: Study, number: int, round_item_id: int):
    """GET: the rewording form, with panellists' rewording suggestions. POST: reword."""
    round_ = round_or_404(study, number)
    round_item = _round_item(round_, round_item_id)
    suggestions = db.session.scalars(
        db.select(Suggestion)
        .filter_by(round_id=round_.id, item_id=round_item.item_id, kind=SuggestionKind.REWORDING)
        .order_by(Suggestion.id)
    ).all()
    form = RewordForm()
    if request.method == "GET" and "suggestion" in request.args:
        # Matched as text, so no number of any length or script reaches int().
        chosen = next((s for s in suggestions if str(s.id) == request.args["suggestion"]), None)
        if chosen is not None:
            form.text.data, form.suggestion.data = chosen.text, str(chosen.id)
    if request.method == "GET" and not form.text.data:
        form.text.data = round_item.text  # reworded by editing the wording rated
    if form.validate_on_submit():
        chosen = next((s for s in suggestions if str(s.id) == form.suggestion.data), None)
        redirected = carry_out(
            lambda: reword_item(
                round_item,
                form.text.data,
                reason=form.reason.data,
                code=form.code.data,
                by=current_user,
                suggestion=chosen,
            ),
            done=lambda new: (
                f"Item {round_item.code} is reworded as {new.code} for the next round."
            ),
            to=_at_item(study, number, round_item),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "rounds/reword.html",
        study=study,
        round_=round_,
        round_item=round_item,
        suggestions=suggestions,
        said=said_about(round_item),
        form=form,
        problems=form_problems(form),
    ), status


@study_required
def suggestion(study: Study, number: int, suggestion_id: int):
    """Accept a panellist's suggestion as a new item, or decline it."""
    round_ = round_or_404(study, number)
    found = db.first_or_404(db.select(Suggestion).filter_by(id=suggestion_id, round_id=round_.id))
    form = SuggestionForm(prefix=f"suggestion-{found.id}", sections=study.sections)
    if form.validate_on_submit():

        def accept_or_decline() -> str:
            if form.action.data == "accept":
                section = next(s for s in study.sections if s.id == form.section.data)
                item = add_item_from_suggestion(
                    found,
                    text=form.text.data,
                    section=section,
                    code=form.code.data,
                    by=current_user,
                )
                return f"Item {item.code} is added for the next round."
            decline_suggestion(found, by=current_user)
            return "The suggestion is declined."

        redirected = carry_out(
            accept_or_decline,
            done=lambda message: message,
            to=url_for("rounds.review", slug=study.slug, number=number, _anchor="suggestions"),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    return _render_review(study, round_, failed={("suggestion", found.id): form}, status=400)


@study_required
def undo_reword(study: Study, number: int, round_item_id: int):
    """Take a rewording back before the next round opens: the old wording is carried forward."""
    round_ = round_or_404(study, number)
    round_item = _round_item(round_, round_item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: undo_rewording(round_item, by=current_user),
            done=lambda removed: (
                f"The rewording {removed.code} is removed; item {round_item.code} is carried "
                "forward again."
            ),
            to=_at_item(study, number, round_item),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    return _render_review(study, round_, failed={"undo": form}, status=400)


@study_required
def undo_suggestion(study: Study, number: int, suggestion_id: int):
    """Take back a suggestion accepted as an item: the item goes, the suggestion is pending."""
    round_ = round_or_404(study, number)
    found = db.first_or_404(db.select(Suggestion).filter_by(id=suggestion_id, round_id=round_.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: undo_item_from_suggestion(found, by=current_user),
            done=lambda removed: (
                f"Item {removed.code} is removed; the suggestion is pending again."
            ),
            to=url_for("rounds.review", slug=study.slug, number=number, _anchor="suggestions"),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    return _render_review(study, round_, failed={"undo": form}, status=400)


@study_required
def open_next(study: Study, number: int):
    """GET: what launching the round after ``number`` will do. POST: launch it from the review's
    decisions; invitations are queued."""
    round_ = round_or_404(study, number)
    form = DeadlineForm.from_query(request.args) if request.method == "GET" else DeadlineForm()
    if form.validate_on_submit():

        def launch() -> Round:
            _require_next_of(study, number)
            return launch_next_round(
                study, closes_at=form.closes_at(study.time_zone), by=current_user
            )

        redirected = carry_out(
            launch,
            done=lambda next_round: (
                f"Round {next_round.number} is open; the invitations are queued."
            ),
            to=url_for("rounds.dashboard", slug=study.slug),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    refusal: str | None = None
    try:
        _require_next_of(study, number)
    except RoundError as error:
        refusal = str(error)
    return render_open(
        study,
        form,
        action=url_for("rounds.open_next", slug=study.slug, number=number),
        back=url_for("rounds.review", slug=study.slug, number=round_.number),
        refusal=refusal,
    )


def _require_next_of(study: Study, number: int) -> None:
    """Refuse to launch from an old review page once the round after ``number`` has opened."""
    latest = current_round(study)
    assert latest is not None  # round ``number`` is under review
    if latest.number > number + 1 or (
        latest.number == number + 1 and latest.state is not RoundState.DRAFT
    ):
        raise RoundError(f"Round {number + 1} has already opened.")


@study_required
def complete(study: Study, number: int):
    """GET: what completing locks, and the final list it fixes. POST: mark the study complete."""
    round_ = round_or_404(study, number)
    form = ConfirmForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: complete_study(study, by=current_user),
            done="The study is marked complete.",
            to=url_for("rounds.dashboard", slug=study.slug),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    refusal, final = None, []
    try:
        require_completable(study)
        final = build_report(study).final_items
    except (RoundError, ReportError) as error:
        refusal = str(error)
    return render_template(
        "rounds/complete.html",
        study=study,
        round_=round_,
        form=form,
        refusal=refusal,
        final=final,
        final_count=sum(len(rows) for _, rows in final),
        problems=form_problems(form),
    ), 400 if form.errors else 200
