"""The research team's round pages: dashboard, closing, between-round review, next round.

Views are thin: they read the form, call one lifecycle or review operation (which checks the
transition and records the audit event), commit once, and show the operation's refusal on the
page when there is one.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.models import (
    Decision,
    Round,
    RoundItem,
    RoundState,
    Study,
    Suggestion,
    SuggestionKind,
    utcnow,
)
from delphi.reports.data import ReportError, build_report
from delphi.rounds import dashboard as pages
from delphi.rounds.deadline import change_deadline
from delphi.rounds.errors import RoundError
from delphi.rounds.forms import (
    ChangeDeadlineForm,
    ConfirmForm,
    DeadlineForm,
    DecisionForm,
    ReminderForm,
    RewordForm,
    SuggestionForm,
)
from delphi.rounds.lifecycle import close_round, current_round, open_round
from delphi.rounds.lifecycle import decide as decide_item
from delphi.rounds.reminders import (
    MOMENT_FORMAT,
    last_reminder_at,
    reminder_refusal,
    send_reminders,
    unsubmitted,
)
from delphi.rounds.review import (
    add_item_from_suggestion,
    complete_study,
    decline_suggestion,
    launch_next_round,
    launch_plan,
    require_completable,
    reword_item,
)
from delphi.rounds.undo import undo_item_from_suggestion, undo_rewording


def _round(study: Study, number: int) -> Round:
    return db.first_or_404(db.select(Round).filter_by(study_id=study.id, number=number))


def _round_item(round_: Round, round_item_id: int) -> RoundItem:
    """The round's item; 404 for an item of another round (or study), however the form says."""
    return db.first_or_404(db.select(RoundItem).filter_by(id=round_item_id, round_id=round_.id))


def _failed(error: RoundError, form) -> None:
    """Undo the request's writes and show the operation's refusal on the form."""
    db.session.rollback()
    form.form_errors.append(str(error))


def _problems(*forms) -> list[str]:
    """Every message of the submitted forms, for the summary at the top of the page."""
    return [message for form in forms for messages in form.errors.values() for message in messages]


@study_required
def dashboard(study: Study):
    return _render_dashboard(study)


def _render_dashboard(
    study: Study,
    open_form: DeadlineForm | None = None,
    status: int = 200,
    deadline_form: ChangeDeadlineForm | None = None,
):
    """The open round's dashboard; without one, where the study stands and what comes next."""
    latest = current_round(study)
    board = pages.dashboard(latest) if latest and latest.state is RoundState.OPEN else None
    open_form = open_form or DeadlineForm(formdata=None)
    deadline_form = deadline_form or ChangeDeadlineForm(formdata=None)
    return render_template(
        "rounds/dashboard.html",
        study=study,
        latest=latest,
        board=board,
        open_form=open_form,
        deadline_form=deadline_form,
        rounds=study.rounds,
        problems=_problems(open_form, deadline_form),
    ), status


def _render_open(
    study: Study, form: DeadlineForm, *, action: str, back: str, refusal: str | None = None
):
    """The confirmation of opening a round: what it puts in front of whom, until when; or, when
    no round can open now, why (in the words opening would refuse with)."""
    plan = None
    if refusal is None:
        try:
            plan = launch_plan(study)
        except RoundError as error:
            refusal = str(error)
    chosen = form.deadline.data if request.method == "GET" else None
    return render_template(
        "rounds/open.html",
        study=study,
        plan=plan,
        refusal=refusal,
        form=form,
        chosen=chosen,
        action=action,
        back=back,
        problems=_problems(form),
    ), 400 if form.errors else 200


@study_required
def open_first(study: Study):
    """GET: what opening round 1 will do (the deadline chosen on the dashboard). POST: open it."""
    form = DeadlineForm.from_query(request.args) if request.method == "GET" else DeadlineForm()
    if form.validate_on_submit():
        try:
            round_ = open_round(study, closes_at=form.closes_at(), by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(f"Round {round_.number} is open; the invitations are queued.", "success")
            return redirect(url_for("rounds.dashboard", slug=study.slug))
    return _render_open(
        study,
        form,
        action=url_for("rounds.open_first", slug=study.slug),
        back=url_for("rounds.dashboard", slug=study.slug),
        refusal="Round 1 has already opened." if study.rounds else None,
    )


@study_required
def close(study: Study, number: int):
    """GET: what closing will do. POST: close the round and freeze its summary."""
    round_ = _round(study, number)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            close_round(round_, by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(f"Round {number} is closed and its summary is frozen.", "success")
            return redirect(url_for("rounds.review", slug=study.slug, number=number))
    status = 400 if form.errors else 200
    return render_template(
        "rounds/close.html",
        study=study,
        round_=round_,
        form=form,
        progress=pages.progress(round_),
        problems=_problems(form),
    ), status


def _render_review(study: Study, round_: Round, *, failed: dict | None = None, status=200):
    """The review page; ``failed`` holds a submitted form with its errors, keyed by target."""
    if round_.state is not RoundState.CLOSED:
        flash(
            f"Round {round_.number} is {round_.state.value}; it is reviewed once it closes.",
            "error",
        )
        return redirect(url_for("rounds.dashboard", slug=study.slug))
    view = pages.review(round_)
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
    return render_template(
        "rounds/review.html",
        study=study,
        view=view,
        problems=_problems(*failed.values()),
        decision_forms=decision_forms,
        suggestion_forms=suggestion_forms,
        next_form=DeadlineForm(formdata=None),
        undo_form=ConfirmForm(formdata=None),
    ), status


@study_required
def review(study: Study, number: int):
    return _render_review(study, _round(study, number))


@study_required
def decide(study: Study, number: int, round_item_id: int):
    round_ = _round(study, number)
    round_item = _round_item(round_, round_item_id)
    form = DecisionForm(prefix=f"item-{round_item.id}")
    if form.validate_on_submit():
        try:
            decide_item(
                round_item, Decision(form.decision.data), reason=form.reason.data, by=current_user
            )
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(f"Item {round_item.code}: decision saved.", "success")
            return redirect(
                url_for(
                    "rounds.review", slug=study.slug, number=number, _anchor=f"item-{round_item.id}"
                )
            )
    return _render_review(study, round_, failed={("decide", round_item.id): form}, status=400)


@study_required
def reword(study: Study, number: int, round_item_id: int):
    """GET: the rewording form, with panellists' rewording suggestions. POST: reword."""
    round_ = _round(study, number)
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
    if form.validate_on_submit():
        chosen = next((s for s in suggestions if str(s.id) == form.suggestion.data), None)
        try:
            new = reword_item(
                round_item,
                form.text.data,
                reason=form.reason.data,
                code=form.code.data,
                by=current_user,
                suggestion=chosen,
            )
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(
                f"Item {round_item.code} is reworded as {new.code} for the next round.", "success"
            )
            return redirect(
                url_for(
                    "rounds.review", slug=study.slug, number=number, _anchor=f"item-{round_item.id}"
                )
            )
    status = 400 if form.errors else 200
    return render_template(
        "rounds/reword.html",
        study=study,
        round_=round_,
        round_item=round_item,
        suggestions=suggestions,
        form=form,
        problems=_problems(form),
    ), status


@study_required
def suggestion(study: Study, number: int, suggestion_id: int):
    """Accept a panellist's suggestion as a new item, or decline it."""
    round_ = _round(study, number)
    found = db.first_or_404(db.select(Suggestion).filter_by(id=suggestion_id, round_id=round_.id))
    form = SuggestionForm(prefix=f"suggestion-{found.id}", sections=study.sections)
    if form.validate_on_submit():
        try:
            if form.action.data == "accept":
                section = next(s for s in study.sections if s.id == form.section.data)
                item = add_item_from_suggestion(
                    found,
                    text=form.text.data,
                    section=section,
                    code=form.code.data,
                    by=current_user,
                )
                message = f"Item {item.code} is added for the next round."
            else:
                decline_suggestion(found, by=current_user)
                message = "The suggestion is declined."
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(
                url_for("rounds.review", slug=study.slug, number=number, _anchor="suggestions")
            )
    return _render_review(study, round_, failed={("suggestion", found.id): form}, status=400)


@study_required
def undo_reword(study: Study, number: int, round_item_id: int):
    """Take a rewording back before the next round opens: the old wording is carried forward."""
    round_ = _round(study, number)
    round_item = _round_item(round_, round_item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            removed = undo_rewording(round_item, by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(
                f"The rewording {removed.code} is removed; item {round_item.code} is carried "
                "forward again.",
                "success",
            )
            return redirect(
                url_for(
                    "rounds.review", slug=study.slug, number=number, _anchor=f"item-{round_item.id}"
                )
            )
    return _render_review(study, round_, failed={"undo": form}, status=400)


@study_required
def undo_suggestion(study: Study, number: int, suggestion_id: int):
    """Take back a suggestion accepted as an item: the item goes, the suggestion is pending."""
    round_ = _round(study, number)
    found = db.first_or_404(db.select(Suggestion).filter_by(id=suggestion_id, round_id=round_.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            removed = undo_item_from_suggestion(found, by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(f"Item {removed.code} is removed; the suggestion is pending again.", "success")
            return redirect(
                url_for("rounds.review", slug=study.slug, number=number, _anchor="suggestions")
            )
    return _render_review(study, round_, failed={"undo": form}, status=400)


@study_required
def open_next(study: Study, number: int):
    """GET: what launching the round after ``number`` will do. POST: launch it from the review's
    decisions; invitations are queued."""
    round_ = _round(study, number)
    form = DeadlineForm.from_query(request.args) if request.method == "GET" else DeadlineForm()
    if form.validate_on_submit():
        try:
            _require_next_of(study, number)
            next_round = launch_next_round(study, closes_at=form.closes_at(), by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(f"Round {next_round.number} is open; the invitations are queued.", "success")
            return redirect(url_for("rounds.dashboard", slug=study.slug))
    refusal: str | None = None
    try:
        _require_next_of(study, number)
    except RoundError as error:
        refusal = str(error)
    return _render_open(
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
    round_ = _round(study, number)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            complete_study(study, by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash("The study is marked complete.", "success")
            return redirect(url_for("rounds.dashboard", slug=study.slug))
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
        problems=_problems(form),
    ), 400 if form.errors else 200


@study_required
def deadline(study: Study, number: int):
    """Move the open round's deadline; with the box ticked, tell those who have not submitted."""
    round_ = _round(study, number)
    form = ChangeDeadlineForm()
    if form.validate_on_submit():
        try:
            change = change_deadline(
                round_, form.closes_at(), notify=form.notify.data, by=current_user
            )
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(change.describe(), "success")
            return redirect(url_for("rounds.dashboard", slug=study.slug))
    return _render_dashboard(study, deadline_form=form, status=400)


@study_required
def remind(study: Study, number: int):
    """GET: who a reminder would go to. POST: queue it for those who have still not submitted."""
    round_ = _round(study, number)
    form = ReminderForm()
    if form.validate_on_submit():
        try:
            reminded = send_reminders(round_, moment=form.moment_value(), by=current_user)
        except RoundError as error:
            _failed(error, form)
        else:
            db.session.commit()
            flash(reminded.describe(), "success")
            return redirect(url_for("rounds.dashboard", slug=study.slug))
    elif request.method == "GET":
        form.moment.data = f"{utcnow():{MOMENT_FORMAT}}"
    refusal = reminder_refusal(round_)
    return render_template(
        "rounds/remind.html",
        study=study,
        round_=round_,
        form=form,
        refusal=refusal,
        waiting=None if refusal else unsubmitted(round_),
        last_reminder=last_reminder_at(round_),
        problems=_problems(form),
    ), 400 if form.errors else 200
