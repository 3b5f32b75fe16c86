"""The public sign-up page, the confirmation link, and the console's review of sign-ups. Thin
views: check the form, call an operation, commit once.

Whatever the address, a sign-up that passes the form gets the same reply page; a robot that
fills the honeypot gets it too, and nothing is stored or sent for it."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.consent.operations import RULE_WORDS, asks_consent, current_version
from delphi.extensions import db
from delphi.models import Signup, SignupState, Study
from delphi.page_actions import carry_out
from delphi.signup.forms import ConfirmForm, ReviewForm, signup_form
from delphi.signup.messages import CONFIRMATION_HOURS
from delphi.signup.operations import (
    Confirmed,
    SignupRefused,
    accept,
    awaiting_review,
    confirm,
    decline,
    group_places,
    meets_eligibility,
    offered_groups,
    sign_up,
)
from delphi.signup.tokens import find_signup


def _public_study(slug: str) -> Study:
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    if study is None or study.signup is SignupState.OFF:
        abort(404)
    return study


def signup_page(slug: str):
    """The public page: the study, its information sheet, and the sign-up form."""
    study = _public_study(slug)
    if study.signup is SignupState.CLOSED:
        return render_template("signup/closed.html", study=study)
    version = current_version(study)
    version = version if asks_consent(version) else None
    groups = offered_groups(study)
    form = signup_form(study, groups, version)
    status = 200
    if form.is_submitted():
        status = 400
    if form.validate_on_submit():
        if form.is_robot():
            db.session.rollback()
            return _sent(study)
        if not meets_eligibility(study, form.eligibility_answers()):
            db.session.rollback()
            return render_template("signup/not_eligible.html", study=study)
        try:
            sign_up(
                study,
                name=form.name.data,
                email=form.email.data,
                group=form.group.data,
                consent=version,
            )
        except SignupRefused as refusal:
            db.session.rollback()
            form[refusal.field or "group"].errors.append(str(refusal))
        else:
            db.session.commit()
            return _sent(study)
    return render_template(
        "signup/page.html",
        study=study,
        form=form,
        version=version,
        rule_words=RULE_WORDS[study.withdrawal_rule],
        groups=groups,
    ), status


def _sent(study: Study):
    return render_template("signup/sent.html", study=study, hours=CONFIRMATION_HOURS)


def confirm_page(token: str):
    """The link in the confirmation e-mail: a button that confirms, so opening it is not enough."""
    signup = find_signup(token)
    if signup is None:
        return render_template("signup/link_unknown.html"), 404
    study = db.session.get_one(Study, signup.study_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("signup/confirm.html", study=study, form=form)
    try:
        outcome = confirm(signup)
    except SignupRefused as refusal:
        db.session.commit()  # a refused confirmation deletes the sign-up
        return render_template("signup/refused.html", study=study, message=str(refusal)), 409
    db.session.commit()
    return render_template(
        "signup/confirmed.html", study=study, review=outcome is Confirmed.AWAITING_REVIEW
    )


@study_required
def console(study: Study):
    """Sign-ups awaiting the team's review, and each group's places."""
    return render_template(
        "signup/console.html",
        study=study,
        signups=awaiting_review(study),
        places=group_places(study),
        form=ReviewForm(),
        address=url_for("signup.signup_page", slug=study.slug, _external=True),
    )


def _signup_of(study: Study, signup_id: int) -> Signup:
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.study_id != study.id:
        abort(404)
    return signup


@study_required
def accept_view(study: Study, signup_id: int):
    signup = _signup_of(study, signup_id)
    ReviewForm().validate_on_submit() or abort(400)
    return carry_out(
        lambda: accept(signup, by=current_user),
        done=lambda panellist: (
            f"Accepted: {panellist.pseudonym} joins the panel; their personal link is e-mailed."
        ),
        to=url_for("signup.console", slug=study.slug),
    )


@study_required
def decline_view(study: Study, signup_id: int):
    signup = _signup_of(study, signup_id)
    ReviewForm().validate_on_submit() or abort(400)
    return carry_out(
        lambda: decline(signup, by=current_user),
        done="Declined: they are told by e-mail, and the details they gave are deleted.",
        to=url_for("signup.console", slug=study.slug),
    )
