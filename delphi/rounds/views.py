"""The research team's pages of the open round: dashboard, opening round 1, closing, the deadline
and reminders (the between-rounds review pages are in ``review_views``).

Views are thin: they read the form, call one lifecycle or review operation (which checks the
transition and records the audit event), commit once, and show the operation's refusal on the
page when there is one.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.models import Round, RoundState, Study, utcnow
from delphi.page_actions import carry_out
from delphi.rounds.dashboard import dashboard as open_round_dashboard
from delphi.rounds.dashboard import progress
from delphi.rounds.deadline import change_deadline
from delphi.rounds.errors import RoundError
from delphi.rounds.forms import (
    ChangeDeadlineForm,
    CloseForm,
    DeadlineForm,
    ReminderForm,
)
from delphi.rounds.lifecycle import close_round, current_round, open_round
from delphi.rounds.nonresponse import closing_concerns
from delphi.rounds.reminders import (
    MOMENT_FORMAT,
    last_reminder_at,
    reminder_refusal,
    send_reminders,
    unsubmitted,
)
from delphi.rounds.review import launch_plan


def round_or_404(study: Study, number: int) -> Round:
    return db.first_or_404(db.select(Round).filter_by(study_id=study.id, number=number))


def form_problems(*forms) -> list[str]:
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
    board = open_round_dashboard(latest) if latest and latest.state is RoundState.OPEN else None
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
        problems=form_problems(open_form, deadline_form),
    ), status


def render_open(
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
        problems=form_problems(form),
    ), 400 if form.errors else 200


@study_required
def open_first(study: Study):
    """GET: what opening round 1 will do (the deadline chosen on the dashboard). POST: open it."""
    form = DeadlineForm.from_query(request.args) if request.method == "GET" else DeadlineForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: open_round(study, closes_at=form.closes_at(study.time_zone), by=current_user),
            done=lambda round_: f"Round {round_.number} is open; the invitations are queued.",
            to=url_for("rounds.dashboard", slug=study.slug),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    return render_open(
        study,
        form,
        action=url_for("rounds.open_first", slug=study.slug),
        back=url_for("rounds.dashboard", slug=study.slug),
        refusal="Round 1 has already opened." if study.rounds else None,
    )


@study_required
def close(study: Study, number: int):
    """GET: what closing will do. POST: close the round and freeze its summary."""
    round_ = round_or_404(study, number)
    form = CloseForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: close_round(
                round_, by=current_user, reason=form.reason.data, early_needs_reason=True
            ),
            done=f"Round {number} is closed and its summary is frozen.",
            to=url_for("rounds.review", slug=study.slug, number=number),
            form=form,
            field="reason",
            category="success",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "rounds/close.html",
        study=study,
        round_=round_,
        form=form,
        progress=progress(round_),
        problems=form_problems(form),
        concerns=closing_concerns(round_) if round_.state is RoundState.OPEN else [],
    ), status


@study_required
def deadline(study: Study, number: int):
    """Move the open round's deadline; with the box ticked, tell those who have not submitted."""
    round_ = round_or_404(study, number)
    form = ChangeDeadlineForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: change_deadline(
                round_, form.closes_at(study.time_zone), notify=form.notify.data, by=current_user
            ),
            done=lambda change: change.describe(),
            to=url_for("rounds.dashboard", slug=study.slug),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    return _render_dashboard(study, deadline_form=form, status=400)


@study_required
def remind(study: Study, number: int):
    """GET: who a reminder would go to. POST: queue it for those who have still not submitted."""
    round_ = round_or_404(study, number)
    form = ReminderForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: send_reminders(round_, moment=form.moment_value(), by=current_user),
            done=lambda reminded: reminded.describe(),
            to=url_for("rounds.dashboard", slug=study.slug),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
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
        problems=form_problems(form),
    ), 400 if form.errors else 200
