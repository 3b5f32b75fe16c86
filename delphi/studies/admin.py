"""Administrators' console pages for a study's life: reopen a complete study, delete a study that
never opened a round. Each GET says what will happen; the POST acts, commits once and says so.

Only administrators reach them (403 for coordinators); the operations check it again, so no
other caller can skip it.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from delphi.auth.access import admin_required, study_for_staff
from delphi.models import RoundState, Study
from delphi.page_actions import carry_out
from delphi.rounds.errors import RoundError
from delphi.rounds.review import reopen_study
from delphi.studies.deletion import delete_study, remove_files, require_deletable, study_contents
from delphi.validation import COMMENT_MAX_LENGTH, SLUG_MAX_LENGTH


class ReopenForm(FlaskForm):
    """Why a complete study is reopened; the operation checks the words themselves."""

    reason = TextAreaField(
        "Reason for reopening (kept in the audit trail)",
        validators=[
            DataRequired(message="Give a reason for reopening the study."),
            Length(max=COMMENT_MAX_LENGTH),
        ],
    )


class DeleteStudyForm(FlaskForm):
    """The study's slug typed again: a deletion is not undone."""

    confirm = StringField(
        "Type the study's slug to confirm",
        validators=[
            DataRequired(message="Type the study's slug to confirm the deletion."),
            Length(max=SLUG_MAX_LENGTH),
        ],
    )


def _problems(form: FlaskForm) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


@admin_required
def reopen(slug: str):
    """GET: what reopening does, and the reason asked for. POST: reopen the study."""
    study = study_for_staff(slug, current_user)
    form = ReopenForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: reopen_study(study, reason=form.reason.data, by=current_user),
            done=(
                f"Study {study.slug} is reopened: decisions, rewordings and the item list can "
                "change again."
            ),
            to=lambda _: _latest_review(study),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    status = 400 if form.errors else 200
    return render_template(
        "console/reopen_study.html", study=study, form=form, problems=_problems(form)
    ), status


def _latest_review(study: Study) -> str:
    closed = [r.number for r in study.rounds if r.state is RoundState.CLOSED]
    if not closed:
        return url_for("rounds.dashboard", slug=study.slug)
    return url_for("rounds.review", slug=study.slug, number=max(closed))


@admin_required
def delete(slug: str):
    """GET: what deleting removes, or why the study cannot be deleted. POST: delete it."""
    study = study_for_staff(slug, current_user)
    form = DeleteStudyForm()
    if form.validate_on_submit():
        title = study.title

        def deleted(files) -> str:
            remove_files(files)  # once the deletion is committed, never before
            return f"Study {title} ({slug}) is deleted."

        redirected = carry_out(
            lambda: delete_study(study, confirm=form.confirm.data, by=current_user),
            done=deleted,
            to=url_for("console.index"),
            form=form,
            category="success",
        )
        if redirected:
            return redirected
    refusal: str | None = None
    try:
        require_deletable(study)
    except RoundError as error:
        refusal = str(error)
    status = 400 if form.errors else 200
    return render_template(
        "console/delete_study.html",
        study=study,
        form=form,
        contents=study_contents(study),
        refusal=refusal,
        problems=_problems(form),
    ), status
