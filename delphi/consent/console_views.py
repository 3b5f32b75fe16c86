"""The console's Consent page: the information sheet, its statements and versions, the
withdrawal rule, the background questions, and the consent log for the ethics committee."""

from __future__ import annotations

import tomllib

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.consent.background import questions_of, replace_questions
from delphi.consent.forms import ConsentSettingsForm, QuestionsForm
from delphi.consent.operations import consent_log, consent_log_csv, set_consent_text
from delphi.consent.study_file import background_toml, check_consultation
from delphi.extensions import db
from delphi.importing import Problems
from delphi.models import ConsentVersion, Study, WithdrawalRule
from delphi.page_actions import carry_out
from delphi.studies.toml_source import TomlSource, toml_syntax_problem


def _page(study: Study, form=None, questions_form=None, problems=None, status=200):
    versions = db.session.scalars(
        db.select(ConsentVersion)
        .filter_by(study_id=study.id)
        .order_by(ConsentVersion.number.desc())
    ).all()
    if form is None:
        current = versions[0] if versions else None
        form = ConsentSettingsForm(
            data={
                "sheet": current.sheet if current else "",
                "statements": "\n".join(current.statements) if current else "",
                "withdrawal_rule": study.withdrawal_rule.value,
            }
        )
    if questions_form is None:
        questions_form = QuestionsForm(data={"questions": "\n".join(background_toml(study))})
    return render_template(
        "console/consent.html",
        study=study,
        form=form,
        questions_form=questions_form,
        versions=versions,
        questions=questions_of(study),
        log=consent_log(study),
        problems=problems or [],
    ), status


@study_required
def consent_page(study: Study):
    return _page(study)


@study_required
def save_consent(study: Study):
    """Save the sheet and statements (a new version once anyone agreed or round 1 opened)."""
    form = ConsentSettingsForm()
    if not form.validate_on_submit():
        return _page(study, form=form, status=400)
    study.withdrawal_rule = WithdrawalRule(form.withdrawal_rule.data)
    version = set_consent_text(
        study,
        sheet=form.sheet.data or "",
        statements=form.statement_list(),
        reconsent=bool(form.reconsent.data),
        by=current_user,
    )
    db.session.commit()
    flash(
        f"Information sheet saved as version {version.number}."
        if version is not None
        else "Saved: the study asks for no consent.",
        "info",
    )
    return redirect(url_for("consent.consent_page", slug=study.slug))


@study_required
def save_questions(study: Study):
    """Replace the background questions from their [[background]] text, checked as in a
    study file: every problem with its line, nothing saved when any is found."""
    form = QuestionsForm()
    if not form.validate_on_submit():
        return _page(study, questions_form=form, status=400)
    text = form.questions.data or ""
    problems = Problems("background questions")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        syntax = toml_syntax_problem(error, text)
        problems.add(syntax.line, syntax.where, syntax.message)
        document = {}
    for key in document:
        if key != "background":
            problems.add(None, key, "only [[background]] tables belong here")
    parsed = check_consultation(
        {"background": document.get("background", [])}, TomlSource(text), problems.add
    )
    if problems:
        found = [p.describe(problems.filename) for p in problems.found]
        return _page(study, questions_form=form, problems=found, status=400)
    return carry_out(
        lambda: replace_questions(study, parsed.questions, by=current_user),
        done=f"{len(parsed.questions)} background questions saved.",
        to=url_for("consent.consent_page", slug=study.slug),
        refused=lambda error: _page(study, questions_form=form, problems=[str(error)], status=409),
    )


@study_required
def log_csv(study: Study):
    """The consent log as CSV for the ethics committee (recorded in the audit trail)."""
    body = consent_log_csv(study, by=current_user)
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{study.slug}-consent-log.csv"'},
    )
