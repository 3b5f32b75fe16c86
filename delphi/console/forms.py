"""Forms of the console's set-up, panel and message pages. Each validates its own input."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, EmailField, FloatField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from delphi.auth.accounts import EMAIL_PATTERN
from delphi.models import ConsensusRule, QuantileMethod

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
RULE_CHOICES = [
    SelectChoice(ConsensusRule.COMET.value,
                 "COMET: a share of ratings in the high (or low) region, few opposite"),
    SelectChoice(ConsensusRule.PERCENT.value,
                 "Percent agreement: a share of ratings in one region"),
    SelectChoice(ConsensusRule.IQR.value, "Interquartile range at most a limit"),
    SelectChoice(ConsensusRule.RAND.value, "RAND/UCLA: median region and disagreement index"),
]
QUANTILE_CHOICES = [
    SelectChoice(QuantileMethod.LINEAR.value,
                 "Linear (Hyndman & Fan type 7: R, numpy, Excel PERCENTILE.INC)"),
    SelectChoice(QuantileMethod.WEIBULL.value,
                 "Weibull (type 6: SPSS, Minitab, Excel PERCENTILE.EXC)"),
]


def parse_scale_labels(text: str) -> dict[str, str]:
    """Read "point = label" lines into {point: label}; raise ValueError naming the line."""
    labels: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        point, sep, label = line.partition("=")
        if not sep or not point.strip().lstrip("-").isdigit() or not label.strip():
            raise ValueError(f"Line {number}: write a point and its label, like 1 = Not important.")
        labels[str(int(point))] = label.strip()
    return labels


def format_scale_labels(labels: dict[str, str]) -> str:
    return "\n".join(f"{point} = {label}" for point, label in
                     sorted(labels.items(), key=lambda pair: int(pair[0])))


def parse_reminder_days(text: str) -> str:
    """Normalise "7, 2" to "7,2"; raise ValueError when a part is not a whole number of days."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isdigit() and int(part) >= 1 for part in parts):
        raise ValueError("Give whole numbers of days before the deadline, separated by commas, "
                         "like 7,2 (or leave empty for no reminders).")
    return ",".join(str(day) for day in sorted({int(part) for part in parts}, reverse=True))


class StudyForm(FlaskForm):
    """Every setting of a study. The view validates the consensus definition with the engine."""

    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    slug = StringField("Short name in addresses (slug)", validators=[
        DataRequired(), Length(max=80),
        Regexp(SLUG_PATTERN, message="Use lower-case letters, digits and single hyphens, "
                                     "such as cpi-guidance.")])
    description = TextAreaField("Description shown to panellists", validators=[Length(max=20000)])
    contact = StringField("Contact for panellists", validators=[Length(max=300)])
    scale_min = IntegerField("Lowest point of the scale", validators=[InputRequired()])
    scale_max = IntegerField("Highest point of the scale", validators=[InputRequired()])
    scale_labels = TextAreaField("Labels of scale points (one per line: 1 = Not important)")
    unable_to_rate = BooleanField("Offer “unable to rate”")
    consensus_rule = SelectField("Consensus rule", choices=RULE_CHOICES)
    quantile_method = SelectField("Quantile method", choices=QUANTILE_CHOICES)
    low_to = IntegerField("Last point of the low region (empty: default)", validators=[Optional()])
    high_from = IntegerField("First point of the high region (empty: default)",
                             validators=[Optional()])
    agreement_pct = IntegerField("Agreement needed in a region (%)", validators=[
        InputRequired(), NumberRange(1, 100)])
    opposite_max_pct = IntegerField("Largest share in the opposite region (%)", validators=[
        InputRequired(), NumberRange(0, 100)])
    opposite_inclusive = BooleanField("The opposite share may equal that limit (“at most”)")
    percent_threshold = IntegerField("Percent agreement threshold (%)", validators=[
        InputRequired(), NumberRange(1, 100)])
    iqr_max = FloatField("Largest interquartile range (empty: 1 up to 7 points, else 2)",
                         validators=[Optional(), NumberRange(0)])
    min_ratings = IntegerField("Minimum number of ratings for a verdict", validators=[
        InputRequired(), NumberRange(1)])
    per_group_consensus = BooleanField("Consensus must hold in every stakeholder group")
    stability_max_pct = IntegerField("Stability: largest change between rounds (%)", validators=[
        InputRequired(), NumberRange(0, 100)])
    preselect_previous = BooleanField("Preselect the panellist's previous rating")
    reason_outside_iqr = BooleanField("Ask for a reason when a rating lies outside the IQR")
    group_feedback = BooleanField("Show feedback per stakeholder group")
    min_group_size = IntegerField("Smallest group shown separately", validators=[
        InputRequired(), NumberRange(1)])
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

    def values(self) -> dict:
        """The study's column values from the form."""
        values = {name: self[name].data for name in (
            "title", "slug", "description", "contact", "scale_min", "scale_max",
            "unable_to_rate", "low_to", "high_from", "agreement_pct", "opposite_max_pct",
            "opposite_inclusive", "percent_threshold", "iqr_max", "min_ratings",
            "per_group_consensus", "stability_max_pct", "preselect_previous",
            "reason_outside_iqr", "group_feedback", "min_group_size", "auto_close")}
        values["description"] = values["description"] or ""
        values["contact"] = values["contact"] or ""
        values["consensus_rule"] = ConsensusRule(self.consensus_rule.data)
        values["quantile_method"] = QuantileMethod(self.quantile_method.data)
        values["scale_labels"] = parse_scale_labels(self.scale_labels.data or "")
        values["reminder_days"] = parse_reminder_days(self.reminder_days.data or "")
        return values


class SectionForm(FlaskForm):
    code = StringField("Section code", validators=[
        DataRequired(), Regexp(CODE_PATTERN, message="Use letters, digits, dots, hyphens or "
                                                     "underscores (at most 40).")])
    title = StringField("Section title", validators=[DataRequired(), Length(max=300)])


class ItemForm(FlaskForm):
    """An item; ``sections`` are the study's sections it may be put in."""

    section = SelectField("Section", coerce=int)
    code = StringField("Item code", validators=[
        DataRequired(), Regexp(CODE_PATTERN, message="Use letters, digits, dots, hyphens or "
                                                     "underscores (at most 40).")])
    text = TextAreaField("Wording", validators=[DataRequired(), Length(max=5000)])

    def __init__(self, *args, sections: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = sections


class UploadForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])


class PanellistForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[
        DataRequired(), Length(max=320),
        Regexp(EMAIL_PATTERN, message="Enter an e-mail address such as name@example.org.")])
    group = StringField("Stakeholder group", validators=[DataRequired(), Length(max=100)])


class MessageTextsForm(FlaskForm):
    """The study's invitation and reminder; empty fields use the standard texts."""

    invitation_subject = StringField("Invitation subject", validators=[Length(max=300)])
    invitation_body = TextAreaField("Invitation text", validators=[Length(max=20000)])
    reminder_subject = StringField("Reminder subject", validators=[Length(max=300)])
    reminder_body = TextAreaField("Reminder text", validators=[Length(max=20000)])

    def validate_invitation_body(self, field) -> None:
        _require_link(field)

    def validate_reminder_body(self, field) -> None:
        _require_link(field)


def _require_link(field) -> None:
    if field.data and "{link}" not in field.data:
        raise ValidationError("The text must contain {link}, where the personal link goes.")
