"""Forms of a study's set-up: its settings, sections and items, and file uploads.

Each validates its own input.
"""

from __future__ import annotations

import re
from functools import partial

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from delphi.consensus import ConsensusSettings
from delphi.consensus.definition import BY_ENGINE, RULE_EXPLANATIONS, Setting, in_table, label_named
from delphi.consensus.definition import SETTINGS as CONSENSUS_SETTINGS
from delphi.form_rules import Rule, WholeNumber
from delphi.models.study import CommentFeedback
from delphi.rounds.forms import NonResponseFields
from delphi.signup.forms import SignupSettingsFields
from delphi.studies.consensus import column_value
from delphi.validation import (
    ITEM_TEXT_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    SMALLEST_GROUP_SHOWN,
    TITLE_MAX_LENGTH,
    code_problem,
    header_problem,
    reminder_days_problem,
    reminder_days_text,
    scale_point_problem,
    slug_problem,
    text_problem,
    time_zone_names,
    time_zone_problem,
)

_line_text = partial(text_problem, max_length=TITLE_MAX_LENGTH)
# A scale point or a number of days as typed: a few ASCII digits.
_DIGITS = re.compile(r"-?[0-9]{1,7}")


def consensus_field(setting: Setting):
    """The set-up form's field of a consensus setting: its declared label, kind and bounds."""
    if setting.kind is bool:
        return BooleanField(setting.label, description=setting.help)
    if setting.choices:
        return SelectField(
            setting.label,
            description=setting.help,
            choices=[SelectChoice(value, label) for value, label in setting.choices],
        )
    presence = Optional() if setting.optional else InputRequired()
    if setting.kind is float:
        return FloatField(
            setting.label,
            description=setting.help,
            validators=[presence, NumberRange(setting.minimum, setting.maximum)],
        )
    return IntegerField(
        setting.label,
        description=setting.help,
        validators=[presence, WholeNumber(setting.minimum, setting.maximum)],
    )


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
    return "\n".join(
        f"{point} = {label}"
        for point, label in sorted(labels.items(), key=lambda pair: int(pair[0]))
    )


def parse_reminder_days(text: str) -> str:
    """Normalise "7, 2" to "7,2"; raise ValueError when a part is not a whole number of days."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(_DIGITS.fullmatch(part) for part in parts):
        raise ValueError(
            "Give whole numbers of days before the deadline, separated by commas, "
            "like 7,2 (or leave empty for no reminders)."
        )
    days = [int(part) for part in parts]
    problem = reminder_days_problem(days)
    if problem:
        raise ValueError(f"The list {problem}")
    return reminder_days_text(days)


def _sentence(message: str) -> str:
    """An engine's message as a sentence on the form: capital first, full stop last."""
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


class StudyForm(_ConsensusFields, SignupSettingsFields, NonResponseFields):
    """Every setting of a study. Validating checks each field, the scale labels against the
    scale and the consensus definition as a whole, and reports every problem at once."""

    rule_explanations = RULE_EXPLANATIONS

    # The title is a header value too: it is part of the invitation's subject.
    title = StringField("Title", validators=[DataRequired(), Rule(header_problem)])
    slug = StringField(
        "Short name in addresses (slug)", validators=[DataRequired(), Rule(slug_problem)]
    )
    description = TextAreaField(
        "Description shown to panellists",
        validators=[Rule(partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True))],
    )
    contact = StringField("Contact for panellists", validators=[Rule(_line_text)])
    scale_labels = TextAreaField("Labels of scale points (one per line: 1 = Not important)")
    unable_to_rate = BooleanField("Offer “unable to rate”")
    preselect_previous = BooleanField("Preselect the panellist's previous rating")
    reason_outside_iqr = BooleanField("Ask for a reason when a rating lies outside the IQR")
    group_feedback = BooleanField("Show feedback per stakeholder group")
    comment_feedback = SelectField(
        "What panellists see of the comments",
        choices=[SelectChoice(choice.value, choice.label) for choice in CommentFeedback],
        coerce=CommentFeedback,
        default=CommentFeedback.COMMENTS,
        description="The team writes a summary of the arguments for each item while reviewing "
        "a round; it is fixed once the next round is prepared.",
    )
    min_group_size = IntegerField(
        "Smallest group shown separately",
        validators=[InputRequired(), WholeNumber(SMALLEST_GROUP_SHOWN)],
        description=f"At least {SMALLEST_GROUP_SHOWN}: with a group of two, each member could "
        "work out the other's rating from the group's figures and their own.",
    )
    reminder_days = StringField("Reminders, days before the deadline (e.g. 7,2)")
    auto_close = BooleanField("Close the round automatically at its deadline")
    time_zone = StringField(
        "Time zone of the deadlines panellists see",
        validators=[DataRequired(), Rule(time_zone_problem)],
        render_kw={"list": "time-zones", "autocomplete": "off"},
    )
    time_zones = time_zone_names()  # offered as the time zone is typed

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

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self._check_scale_labels()
        self._check_consensus()
        return valid and not any(field.errors for field in self)

    def _check_scale_labels(self) -> None:
        """Each labelled point lies on the scale, so the study file exported imports again."""
        low, high = self.scale_min, self.scale_max
        if self.scale_labels.errors or low.errors or high.errors or None in (low.data, high.data):
            return
        labels = parse_scale_labels(self.scale_labels.data or "")
        problems = [scale_point_problem(int(point), low.data, high.data) for point in labels]
        self.scale_labels.errors = [
            *self.scale_labels.errors,
            *(f"{each}: remove its label or change the scale." for each in problems if each),
        ]

    def _check_consensus(self) -> None:
        """Ask the consensus engine for every problem of the definition, each beside the field
        of the setting at fault, in the form's words; a setting whose own field is already
        wrong is left out of the cross-checks, so nothing is reported twice."""
        values, wrong = {}, set()
        for setting in CONSENSUS_SETTINGS:
            field = self[setting.column]
            if field.errors:
                wrong.add(setting.engine)
            else:
                values[setting.engine] = field.data
        for problem in ConsensusSettings.problems(values, label_named):
            if wrong.intersection(problem.involves):
                continue
            setting = BY_ENGINE.get(problem.setting or "rule", BY_ENGINE["rule"])
            field = self[setting.column]
            field.errors = [*field.errors, _sentence(str(problem))]

    def consensus_controls(self, table: str) -> list[tuple[Setting, object]]:
        """(setting, field) of each consensus setting the study file keeps in ``table``."""
        return [(setting, self[setting.column]) for setting in in_table(table)]

    @staticmethod
    def rule_note(setting: Setting) -> str:
        """Which rules use a setting, in the words of the rule's choices."""
        choices = BY_ENGINE["rule"].choices
        names = [label.split(":")[0] for value, label in choices if value in setting.rules]
        return f"Used by the {' and '.join(names)} rule only."

    def values(self) -> dict:
        """The study's column values from the form."""
        values = {
            name: self[name].data
            for name in (
                "title",
                "slug",
                "description",
                "contact",
                "unable_to_rate",
                "preselect_previous",
                "reason_outside_iqr",
                "group_feedback",
                "comment_feedback",
                "min_group_size",
                "auto_close",
                "time_zone",
            )
        }
        values |= {
            setting.column: column_value(setting, self[setting.column].data)
            for setting in CONSENSUS_SETTINGS
        }
        values["description"] = values["description"] or ""
        values["contact"] = values["contact"] or ""
        values["scale_labels"] = parse_scale_labels(self.scale_labels.data or "")
        values["reminder_days"] = parse_reminder_days(self.reminder_days.data or "")
        return values | self.signup_values() | self.non_response_values()


_guidance_text = partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)
_explanation_text = partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True)


class SectionForm(FlaskForm):
    code = StringField("Section code", validators=[DataRequired(), Rule(code_problem)])
    title = StringField("Section title", validators=[DataRequired(), Rule(_line_text)])
    guidance = TextAreaField(
        "Guidance text (Markdown), shown to panellists above the section's items",
        validators=[Rule(_guidance_text)],
    )


class ItemForm(FlaskForm):
    """An item; ``sections`` are the study's sections it may be put in."""

    section = SelectField("Section", coerce=int)
    code = StringField("Item code", validators=[DataRequired(), Rule(code_problem)])
    text = TextAreaField(
        "Wording",
        validators=[
            DataRequired(),
            Rule(partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True)),
        ],
    )
    explanation = TextAreaField(
        "Explanation (Markdown, optional), shown under the wording",
        validators=[Rule(_explanation_text)],
    )

    def __init__(self, *args, sections: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = sections


class UploadForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])


class ItemsImportForm(FlaskForm):
    """Sections and items as a file, or as rows pasted in: one of the two."""

    file = FileField("File (CSV UTF-8 or Excel .xlsx)")
    pasted = TextAreaField("Or paste the rows, the header row first")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        pasted = (self.pasted.data or "").strip()
        if self.file.data and pasted:
            self.pasted.errors.append("Choose a file or paste the rows, not both.")
            return False
        if not self.file.data and not pasted:
            self.file.errors.append("Choose a file, or paste the rows below.")
            return False
        return True

    def source(self) -> tuple[bytes, str]:
        """The rows' bytes and the name problems are reported under."""
        if self.file.data:
            return self.file.data.read(), self.file.data.filename or "items file"
        return self.pasted.data.encode("utf-8"), "pasted rows"


class ExplanationForm(FlaskForm):
    """The explanation of an item already shown in a round (its wording stays as rated)."""

    explanation = TextAreaField(
        "Explanation (Markdown, optional), shown under the wording",
        validators=[Rule(_explanation_text)],
    )


class DocumentForm(FlaskForm):
    """A document to attach: a file or a link, to the study or one of its sections."""

    title = StringField("Title shown to panellists", validators=[DataRequired(), Rule(_line_text)])
    section = SelectField("Attached to", coerce=int)
    file = FileField("File (PDF, Word .docx or OpenDocument .odt, at most 10 MB)")
    url = StringField("Or a link (https://...)")

    def __init__(self, *args, sections: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = [SelectChoice("0", "The whole study"), *sections]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        url = (self.url.data or "").strip()
        if self.file.data and url:
            self.url.errors.append("Choose a file or give a link, not both.")
            return False
        if not self.file.data and not url:
            self.file.errors.append("Choose a file to upload, or give a link below.")
            return False
        return True
