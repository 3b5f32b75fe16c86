"""Forms of the messages page: the study's own invitation and reminder texts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from delphi.form_rules import Rule
from delphi.validation import header_problem, message_body_problem


class MessageTextsForm(FlaskForm):
    """The study's invitation and reminder; empty fields use the standard texts."""

    invitation_subject = StringField("Invitation subject", validators=[Rule(header_problem)])
    invitation_body = TextAreaField("Invitation text", validators=[Rule(message_body_problem)])
    reminder_subject = StringField("Reminder subject", validators=[Rule(header_problem)])
    reminder_body = TextAreaField("Reminder text", validators=[Rule(message_body_problem)])
