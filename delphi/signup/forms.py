"""The public sign-up form, built for one study: its groups, eligibility questions and consent
statements are the study's own. A hidden honeypot field, left empty by people and filled by
form-filling robots, marks a sign-up to drop."""

from __future__ import annotations

from functools import partial

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError

from delphi.form_rules import Rule
from delphi.models import ConsentVersion, SignupState, Study
from delphi.signup.settings import (
    SettingProblem,
    format_caps_text,
    format_questions_text,
    parse_caps_text,
    parse_questions_text,
)
from delphi.validation import NAME_MAX_LENGTH, email_problem, text_problem

HONEYPOT = "website"  # a field people never see; robots fill it in


class SignupForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[
            DataRequired(message="Give your name."),
            Rule(partial(text_problem, max_length=NAME_MAX_LENGTH)),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Your e-mail address",
        validators=[DataRequired(message="Give your e-mail address."), Rule(email_problem)],
        render_kw={"autocomplete": "email"},
    )
    website = StringField("Leave this empty", render_kw={"autocomplete": "off", "tabindex": "-1"})

    def is_robot(self) -> bool:
        return bool((self.website.data or "").strip())

    def eligibility_answers(self) -> list[str | None]:
        return [self[f"eligibility_{n}"].data for n in range(len(self.questions))]


def signup_form(study: Study, groups: list[str], version: ConsentVersion | None) -> SignupForm:
    """The sign-up form of ``study``: a group among ``groups``, a radio question per eligibility
    question, and a checkbox per consent statement of ``version``, each one needed."""

    class StudySignupForm(SignupForm):
        questions = study.signup_questions
        statements = list(version.statements) if version else []

    StudySignupForm.group = RadioField(
        "Which stakeholder group are you in?",
        choices=[SelectChoice(group, group) for group in groups],
        validators=[InputRequired(message="Choose the group you belong to.")],
    )
    for number, question in enumerate(study.signup_questions):
        setattr(
            StudySignupForm,
            f"eligibility_{number}",
            RadioField(
                question["text"],
                choices=[SelectChoice(choice, choice) for choice in question["choices"]],
                validators=[InputRequired(message=f"Choose an answer to: {question['text']}")],
            ),
        )
    for number, statement in enumerate(StudySignupForm.statements, start=1):
        setattr(
            StudySignupForm,
            f"statement_{number}",
            BooleanField(
                statement,
                validators=[DataRequired(message=f"Tick to take part: {statement}")],
            ),
        )
    return StudySignupForm()


class ConfirmForm(FlaskForm):
    """Confirming a sign-up is a button, so a mail scanner opening the link confirms nothing."""


class ReviewForm(FlaskForm):
    """Accepting or declining a confirmed sign-up in the console."""


class _CapsField(TextAreaField):
    """Caps as "group = number" lines; holds the parsed ``{group: cap}`` once validated."""

    def _value(self) -> str:
        return format_caps_text(self.data) if isinstance(self.data, dict) else self.data or ""


class _QuestionsField(TextAreaField):
    """Eligibility questions as ``Question | Yes* | No`` lines."""

    def _value(self) -> str:
        return format_questions_text(self.data) if isinstance(self.data, list) else self.data or ""


def _parsed(parse):
    def check(form, field) -> None:
        if isinstance(field.data, str):
            try:
                field.data = parse(field.data)
            except SettingProblem as problem:
                raise ValidationError(str(problem)) from None

    return check


class SignupSettingsFields(FlaskForm):
    """The study form's sign-up settings (the study file's ``[signup]`` table)."""

    signup = SelectField(
        "Public sign-up page",
        choices=[
            SelectChoice(SignupState.OFF.value, "Off: the page does not exist"),
            SelectChoice(SignupState.OPEN.value, "Open: people can sign up"),
            SelectChoice(SignupState.CLOSED.value, "Closed: the page says sign-up has closed"),
        ],
        coerce=SignupState,
        default=SignupState.OFF,
    )
    signup_review = BooleanField(
        "Review each sign-up before it joins the panel (otherwise it joins once confirmed)"
    )
    signup_caps = _CapsField(
        "Most panellists in a group, one group a line",
        validators=[_parsed(parse_caps_text)],
        description="Like: Social worker = 10. A full group is not offered on the sign-up "
        "page; a group named here is offered even before anyone is in it.",
    )
    signup_questions = _QuestionsField(
        "Eligibility questions, one a line",
        validators=[_parsed(parse_questions_text)],
        description="Like: Do you live or work in England? | Yes* | No. The answers after | are "
        "the choices; * marks each answer that may sign up.",
    )

    def signup_values(self) -> dict:
        return {
            "signup": self.signup.data,
            "signup_review": self.signup_review.data,
            "signup_caps": self.signup_caps.data or {},
            "signup_questions": self.signup_questions.data or [],
        }
