"""Forms of the console's set-up, panel and message pages. Each validates its own input."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, EmailField, FloatField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from delphi.consensus.definition import SETTINGS as CONSENSUS_SETTINGS
from delphi.consensus.definition import Setting, in_table
from delphi.studies.consensus import column_value
from delphi.validation import (GROUP_MAX_LENGTH, ITEM_TEXT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH,
                               NAME_MAX_LENGTH, SETTING_MAX, TITLE_MAX_LENGTH, code_problem,
                               email_problem, header_problem, message_body_problem,
                               reminder_days_problem, reminder_days_text, slug_problem,
                               text_problem, whole_number_problem)

_line_text = partial(text_problem, max_length=TITLE_MAX_LENGTH)
# A scale point or a number of days as typed: a few ASCII digits.
_DIGITS = re.compile(r"-?[0-9]{1,7}")


class Rule:
    """A field validator applying a rule of delphi.validation; the message names the field."""

    def __init__(self, check: Callable[[str], str | None]):
        self.check = check

    def __call__(self, form, field) -> None:
        problem = self.check(field.data) if field.data else None
        if problem:
            raise ValidationError(f"{field.label.text}: {problem}")


class WholeNumber:
    """A field validator for a whole-number setting between ``minimum`` and ``maximum``."""

    def __init__(self, minimum: int, maximum: int = SETTING_MAX):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, form, field) -> None:
        problem = None if field.data is None else whole_number_problem(
            field.data, minimum=self.minimum, maximum=self.maximum)
        if problem:
            raise ValidationError(f"{field.label.text}: {problem}")


def consensus_field(setting: Setting):
    """The set-up form's field of a consensus setting: its declared label, kind and bounds."""
    if setting.kind is bool:
        return BooleanField(setting.label, description=setting.help)
    if setting.choices:
        return SelectField(setting.label, description=setting.help,
                           choices=[SelectChoice(value, label) for value, label in setting.choices])
    presence = Optional() if setting.optional else InputRequired()
    if setting.kind is float:
        return FloatField(setting.label, description=setting.help, validators=[
            presence, NumberRange(setting.minimum, setting.maximum)])
    return IntegerField(setting.label, description=setting.help, validators=[
        presence, WholeNumber(setting.minimum, setting.maximum)])


class _ConsensusFields(FlaskForm):
    """One field per declared consensus setting, named after its Study column."""


for _setting in CONSENSUS_SETTINGS:
    setattr(_ConsensusFields, _setting.column, consensus_field(_setting))


def parse_scale_labels(text: str) -> dict[str, str]:
    """Read "point = label" lines into {point: label}; raise ValueError naming the line."""
    labels: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        point, sep, label = line.partition("=")
        if not sep or not _DIGITS.fullmatch(point.strip()) or not label.strip():
            raise ValueError(f"Line {number}: write a point and its label, like 1 = Not important.")
        problem = _line_text(label.strip())
        if problem:
            raise ValueError(f"Line {number}: the label {problem}")
        labels[str(int(point))] = label.strip()
    return labels


def format_scale_labels(labels: dict[str, str]) -> str:
    return "\n".join(f"{point} = {label}" for point, label in
                     sorted(labels.items(), key=lambda pair: int(pair[0])))


def parse_reminder_days(text: str) -> str:
    """Normalise "7, 2" to "7,2"; raise ValueError when a part is not a whole number of days."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(_DIGITS.fullmatch(part) for part in parts):
        raise ValueError("Give whole numbers of days before the deadline, separated by commas, "
                         "like 7,2 (or leave empty for no reminders).")
    days = [int(part) for part in parts]
    problem = reminder_days_problem(days)
    if problem:
        raise ValueError(f"The list {problem}")
    return reminder_days_text(days)


class StudyForm(_ConsensusFields):
    """Every setting of a study. The view validates the consensus definition with the engine."""

    # The title is a header value too: it is part of the invitation's subject.
    title = StringField("Title", validators=[DataRequired(), Rule(header_problem)])
    slug = StringField("Short name in addresses (slug)",
                       validators=[DataRequired(), Rule(slug_problem)])
    description = TextAreaField("Description shown to panellists", validators=[
        Rule(partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True))])
    contact = StringField("Contact for panellists", validators=[Rule(_line_text)])
    scale_labels = TextAreaField("Labels of scale points (one per line: 1 = Not important)")
    unable_to_rate = BooleanField("Offer “unable to rate”")
    preselect_previous = BooleanField("Preselect the panellist's previous rating")
    reason_outside_iqr = BooleanField("Ask for a reason when a rating lies outside the IQR")
    group_feedback = BooleanField("Show feedback per stakeholder group")
    min_group_size = IntegerField("Smallest group shown separately", validators=[
        InputRequired(), WholeNumber(1)])
    reminder_days = StringField("Reminders, days before the deadline (e.g. 7,2)")
    auto_close = BooleanField("Close the round automatically at its deadline")

    def validate_scale_labels(self, field) -> None:
        try:
            parse_scale_labels(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def validate_reminder_days(self, field) -> None:
        try:
            parse_reminder_days(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def consensus_fields(self, table: str) -> list:
        """The fields of the consensus settings the study file keeps in ``table``, in order."""
        return [self[setting.column] for setting in in_table(table)]

    def values(self) -> dict:
        """The study's column values from the form."""
        values = {name: self[name].data for name in (
            "title", "slug", "description", "contact", "unable_to_rate", "preselect_previous",
            "reason_outside_iqr", "group_feedback", "min_group_size", "auto_close")}
        values |= {setting.column: column_value(setting, self[setting.column].data)
                   for setting in CONSENSUS_SETTINGS}
        values["description"] = values["description"] or ""
        values["contact"] = values["contact"] or ""
        values["scale_labels"] = parse_scale_labels(self.scale_labels.data or "")
        values["reminder_days"] = parse_reminder_days(self.reminder_days.data or "")
        return values


class SectionForm(FlaskForm):
    code = StringField("Section code", validators=[DataRequired(), Rule(code_problem)])
    title = StringField("Section title", validators=[DataRequired(), Rule(_line_text)])


class ItemForm(FlaskForm):
    """An item; ``sections`` are the study's sections it may be put in."""

    section = SelectField("Section", coerce=int)
    code = StringField("Item code", validators=[DataRequired(), Rule(code_problem)])
    text = TextAreaField("Wording", validators=[DataRequired(), Rule(
        partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True))])

    def __init__(self, *args, sections: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = sections


class UploadForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])


class PanellistForm(FlaskForm):
    """A panellist, held to the same rules as a row of a panel file."""

    name = StringField("Name", validators=[DataRequired(), Rule(
        partial(text_problem, max_length=NAME_MAX_LENGTH))])
    email = EmailField("E-mail", validators=[DataRequired(), Rule(email_problem)])
    group = StringField("Stakeholder group", validators=[DataRequired(), Rule(
        partial(text_problem, max_length=GROUP_MAX_LENGTH))])


class MessageTextsForm(FlaskForm):
    """The study's invitation and reminder; empty fields use the standard texts."""

    invitation_subject = StringField("Invitation subject", validators=[Rule(header_problem)])
    invitation_body = TextAreaField("Invitation text", validators=[Rule(message_body_problem)])
    reminder_subject = StringField("Reminder subject", validators=[Rule(header_problem)])
    reminder_body = TextAreaField("Reminder text", validators=[Rule(message_body_problem)])
