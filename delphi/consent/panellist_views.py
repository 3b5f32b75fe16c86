"""The panellist's consent pages, reached through their personal link: the information sheet
and its statements, the background questions, and withdrawing consent. Thin views: resolve the
link, call an operation, commit once."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from delphi.consent.background import (
    BackgroundRefused,
    background_pending,
    check_answers,
    field_name,
    questions_of,
    save_background,
)
from delphi.consent.forms import BackgroundForm, ConsentForm, WithdrawForm
from delphi.consent.operations import (
    RULE_WORDS,
    ConsentRefused,
    consent_needed,
    current_version,
    last_consent,
    record_consent,
    withdraw_consent,
)
from delphi.extensions import db
from delphi.models import ConsentEventKind, WithdrawalRule
from delphi.questionnaire.standing import Standing, standing_for
from delphi.questionnaire.views import invalid_link, withdrawn


def _standing(token: str) -> tuple[Standing | None, object]:
    """The standing, or the page that answers instead (unknown or withdrawn link)."""
    standing = standing_for(token)
    if standing is None:
        return None, invalid_link()
    if not standing.panellist.active:
        return None, withdrawn(standing)
    return standing, None


def consent(token: str):
    """The information sheet: agree to its statements, or read what you agreed to."""
    standing, refusal = _standing(token)
    if standing is None:
        return refusal
    needed = consent_needed(standing.panellist)
    form = ConsentForm()
    problem = None
    if request.method == "POST" and needed is not None:
        if form.validate_on_submit():
            version_number = request.form.get("version", type=int)
            try:
                if version_number != needed.number:
                    raise ConsentRefused(
                        "The information sheet changed while you were reading it. Read the "
                        "new version below and agree again."
                    )
                record_consent(
                    standing.panellist, needed, form.ticked(request.form.to_dict(flat=False))
                )
            except ConsentRefused as error:
                db.session.rollback()
                problem = str(error)
            else:
                db.session.commit()
                return redirect(url_for("questionnaire.welcome", token=token))
        else:
            problem = "This page has expired. Reload it and tick the statements again."
    version = needed or current_version(standing.study)
    agreed = last_consent(standing.panellist)
    return render_template(
        "questionnaire/consent.html",
        study=standing.study,
        token=token,
        version=version,
        needed=needed is not None,
        renewed=needed is not None
        and agreed is not None
        and agreed.kind is ConsentEventKind.CONSENTED,
        agreed=agreed,
        rule_words=RULE_WORDS[standing.study.withdrawal_rule],
        form=form,
        problem=problem,
    ), (422 if problem else 200)


def background(token: str):
    """The background questions, asked once after consent and before the first items."""
    standing, refusal = _standing(token)
    if standing is None:
        return refusal
    if consent_needed(standing.panellist) is not None:
        return redirect(url_for("questionnaire.consent", token=token))
    if not background_pending(standing.panellist):
        return redirect(url_for("questionnaire.welcome", token=token))
    questions = questions_of(standing.study)
    form = BackgroundForm()
    problems: dict[str, str] = {}
    posted = request.form.to_dict(flat=False) if request.method == "POST" else {}
    if request.method == "POST":
        if not form.validate_on_submit():
            problems["form"] = "This page has expired. Reload it and answer again."
        else:
            try:
                save_background(standing.panellist, check_answers(questions, posted))
            except BackgroundRefused as error:
                db.session.rollback()
                problems = error.problems
            else:
                db.session.commit()
                return redirect(url_for("questionnaire.welcome", token=token))
    return render_template(
        "questionnaire/background.html",
        study=standing.study,
        token=token,
        questions=questions,
        field_name=field_name,
        posted=posted,
        problems=problems,
        form=form,
    ), (422 if problems else 200)


def withdraw(token: str):
    """Withdrawing consent: a page that says what will happen, then the button that does it."""
    standing, refusal = _standing(token)
    if standing is None:
        return refusal
    form = WithdrawForm()
    study = standing.study
    if request.method == "POST" and form.validate_on_submit():
        rule = withdraw_consent(standing.panellist)
        db.session.commit()
        return render_template(
            "questionnaire/withdrawn_now.html",
            study=study,
            erased=rule is WithdrawalRule.ERASE,
            rule_words=RULE_WORDS[rule],
        )
    return render_template(
        "questionnaire/withdraw.html",
        study=study,
        token=token,
        form=form,
        rule_words=RULE_WORDS[study.withdrawal_rule],
        expired=request.method == "POST",
    ), (400 if request.method == "POST" else 200)
