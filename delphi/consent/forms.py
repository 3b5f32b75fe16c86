"""The panellist's consent, background and withdrawal forms. Their fields are the study's own
(one checkbox per statement, one control per question), so the form carries the CSRF check and
the rules live in the operations: ``record_consent`` and ``check_answers``."""

from __future__ import annotations

from functools import partial

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Optional, ValidationError

from delphi.models import WithdrawalRule
from delphi.validation import ITEM_TEXT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, text_problem

_sheet_problem = partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)
_statement_problem = partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH)


class ConsentForm(FlaskForm):
    """Agreeing to the sheet: a ``statement-N`` checkbox per statement, all needed."""

    def ticked(self, form: dict[str, list[str]]) -> set[int]:
        return {
            int(name[len("statement-") :])
            for name, values in form.items()
            if name.startswith("statement-") and name[len("statement-") :].isdecimal() and values
        }


class BackgroundForm(FlaskForm):
    """Answers to the background questions, read by ``check_answers``."""


class WithdrawForm(FlaskForm):
    """Confirming a withdrawal of consent: the button sends ``confirm``, an empty post does not."""

    confirm = HiddenField(validators=[AnyOf(["withdraw"])])


class ConsentSettingsForm(FlaskForm):
    """The information sheet, its statements and the withdrawal rule, as the team edits them."""

    sheet = TextAreaField(
        "Information sheet (Markdown)",
        validators=[Optional()],
        filters=[lambda value: (value or "").strip()],
    )
    statements = TextAreaField(
        "Consent statements, one per line (each is a checkbox the panellist must tick)",
        filters=[lambda value: (value or "").strip()],
    )
    withdrawal_rule = RadioField(
        "When a panellist withdraws consent, their answers are",
        choices=[
            SelectChoice(WithdrawalRule.KEEP.value, "kept under their pseudonym"),
            SelectChoice(WithdrawalRule.ERASE.value, "erased with their personal data"),
        ],
        default=WithdrawalRule.KEEP.value,
    )
    reconsent = BooleanField("Panellists who agreed to an earlier version must agree again")

    def validate_sheet(self, field: TextAreaField) -> None:
        if problem := _sheet_problem(field.data):
            raise ValidationError(problem)

    def validate_statements(self, field: TextAreaField) -> None:
        for number, statement in enumerate(self.statement_list(), start=1):
            if problem := _statement_problem(statement):
                raise ValidationError(f"Statement {number} {problem}")

    def statement_list(self) -> list[str]:
        return [line.strip() for line in (self.statements.data or "").splitlines() if line.strip()]


class QuestionsForm(FlaskForm):
    """The background questions, written as the study file's [[background]] tables."""

    questions = TextAreaField("Background questions ([[background]] tables, as in a study file)")
