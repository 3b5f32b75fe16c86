"""Forms of the console's round pages; each carries a CSRF token (Flask-WTF).

The forms check the shape of what was typed; whether the action is allowed in the round's
current state is the lifecycle operations' decision, and their error is shown on the form.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from delphi.form_rules import Rule, WholeNumber
from delphi.models import Decision, InviteTo, ResponseUnit
from delphi.rounds.deadline import end_of_day
from delphi.rounds.reminders import MOMENT_FORMAT
from delphi.validation import (
    COMMENT_MAX_LENGTH,
    ITEM_TEXT_MAX_LENGTH,
    code_problem,
    text_problem,
)

# The rules of delphi.validation, as the study's content forms and the operations apply them.
_wording = Rule(partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True))
_reason = Rule(partial(text_problem, max_length=COMMENT_MAX_LENGTH, multiline=True))
_code = Rule(code_problem)

# A rewording is made on its own page, with the new wording, so it is not offered here.
DECISION_CHOICES = [
    SelectChoice(decision.value, f"{decision.label}: {decision.hint}")
    for decision in (Decision.CARRY_FORWARD, Decision.CONSENSUS_IN, Decision.CONSENSUS_OUT)
]


class DeadlineForm(FlaskForm):
    """Open a round (the first or the next) with a deadline."""

    deadline = DateField(
        "Deadline (the round closes at 23:59 that day, in the study's time zone)",
        validators=[InputRequired(message="Give the round's deadline.")],
    )

    def closes_at(self, time_zone: str) -> datetime:
        """The deadline chosen, as stored: the end of that day in the study's time zone."""
        return end_of_day(self.deadline.data, time_zone)

    @classmethod
    def from_query(cls, args) -> DeadlineForm:
        """The form as a confirmation page shows it: the deadline chosen on the page before
        (``?deadline=``), read but not checked; the confirming POST checks it."""
        form = cls(formdata=None)
        form.deadline.process(args)
        return form


class ChangeDeadlineForm(DeadlineForm):
    """Move the open round's deadline, and perhaps tell those who have not submitted."""

    deadline = DateField(
        "New deadline (the round closes at 23:59 that day, in the study's time zone)",
        validators=[InputRequired(message="Give the new deadline.")],
    )
    notify = BooleanField("E-mail the panellists who have not submitted about the new deadline")


class ReminderForm(FlaskForm):
    """Send a reminder now; ``moment`` is when the confirmation page was shown, so the same
    page submitted twice queues the reminders once."""

    moment = HiddenField(
        validators=[DataRequired(message="The confirmation page is incomplete; open it again.")]
    )

    def validate_moment(self, field) -> None:
        try:
            datetime.strptime(field.data, MOMENT_FORMAT)
        except ValueError:
            raise ValidationError("The confirmation page is out of date; open it again.") from None

    def moment_value(self) -> datetime:
        return datetime.strptime(self.moment.data, MOMENT_FORMAT)


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token: close a round, mark the study complete, undo."""


class CloseForm(FlaskForm):
    """Close a round; the reason is needed before the deadline or below the minimum response
    (the operation decides, and says why)."""

    reason = TextAreaField(
        "Reason for closing now (shown in the report)", validators=[Optional(), _reason]
    )


class DecisionForm(FlaskForm):
    """Change what happens to an item after its round; the operation asks for a reason."""

    decision = SelectField("Decision", choices=DECISION_CHOICES)
    reason = TextAreaField(
        "Reason (required when changing the proposed decision)",
        validators=[Optional(), _reason],
    )


class RewordForm(FlaskForm):
    """A new wording of an item for the next round, linked to the old one."""

    text = TextAreaField(
        "New wording", validators=[DataRequired(message="Write the new wording."), _wording]
    )
    reason = TextAreaField(
        "Reason for the rewording",
        validators=[DataRequired(message="Give a reason for the rewording."), _reason],
    )
    code = StringField(
        "New code (leave empty for the next version of the old code)",
        validators=[Optional(), _code],
    )
    suggestion = HiddenField()


class ArgumentSummaryForm(FlaskForm):
    """The team's short summary of the arguments in an item's comments; empty removes it."""

    summary = TextAreaField(
        "Summary of the arguments",
        validators=[Optional(), Length(max=COMMENT_MAX_LENGTH)],
    )


class SuggestionForm(FlaskForm):
    """Accept a panellist's suggestion as a new item, or decline it."""

    action = HiddenField(validators=[AnyOf(["accept", "decline"], message="Unknown action.")])
    section = SelectField("Section", coerce=int, validators=[Optional()])
    code = StringField("Code of the new item", validators=[Optional(), _code])
    text = TextAreaField("Wording of the new item", validators=[Optional(), _wording])

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = [SelectChoice(str(s.id), f"{s.code} {s.title}") for s in sections]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.action.data == "accept":
            if self.section.data is None:
                self.section.errors.append("Choose the section of the new item.")
                return False
            for field, message in (
                (self.code, "Give the new item a code."),
                (self.text, "Write the new item's wording."),
            ):
                if not (field.data or "").strip():
                    field.errors.append(message)
                    return False
        return True


class NonResponseFields(FlaskForm):
    """The study form's non-response settings (the study file's ``[schedule]`` keys): who a
    later round invites and the minimum response, overall and per stakeholder group."""

    invite_to = SelectField(
        "Who rounds after the first invite",
        choices=[SelectChoice(choice.value, choice.label) for choice in InviteTo],
        coerce=InviteTo,
        default=InviteTo.ALL,
    )
    min_response = IntegerField(
        "Minimum response overall (empty: none)",
        validators=[Optional(), WholeNumber(1)],
        description="Closing a round below it asks for a reason, which the report shows.",
    )
    min_group_response = IntegerField(
        "Minimum response in each stakeholder group (empty: none)",
        validators=[Optional(), WholeNumber(1)],
    )
    min_response_unit = SelectField(
        "The minimum counts",
        choices=[SelectChoice(choice.value, choice.label) for choice in ResponseUnit],
        coerce=ResponseUnit,
        default=ResponseUnit.PERCENT,
    )

    def validate_min_response(self, field) -> None:
        _percent_at_most_100(self, field)

    def validate_min_group_response(self, field) -> None:
        _percent_at_most_100(self, field)

    def non_response_values(self) -> dict:
        return {
            "invite_to": self.invite_to.data,
            "min_response": self.min_response.data,
            "min_group_response": self.min_group_response.data,
            "min_response_unit": self.min_response_unit.data,
        }


def _percent_at_most_100(form: NonResponseFields, field) -> None:
    if form.min_response_unit.data is ResponseUnit.PERCENT and (field.data or 0) > 100:
        raise ValidationError(f"{field.data}% is more than everyone invited; give at most 100.")
