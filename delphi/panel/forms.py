"""Forms of the panel pages: a panellist, held to the same rules as a row of a panel file."""

from __future__ import annotations

from functools import partial

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired

from delphi.form_rules import Rule
from delphi.validation import GROUP_MAX_LENGTH, NAME_MAX_LENGTH, email_problem, text_problem


class PanellistForm(FlaskForm):
    """A panellist, held to the same rules as a row of a panel file."""

    name = StringField(
        "Name", validators=[DataRequired(), Rule(partial(text_problem, max_length=NAME_MAX_LENGTH))]
    )
    email = EmailField("E-mail", validators=[DataRequired(), Rule(email_problem)])
    group = StringField(
        "Stakeholder group",
        validators=[DataRequired(), Rule(partial(text_problem, max_length=GROUP_MAX_LENGTH))],
        render_kw={"list": "study-groups", "autocomplete": "off"},
    )
