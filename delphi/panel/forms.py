"""Forms of the panel pages: a panellist, held to the same rules as a row of a panel file, and
the search over the panel."""

from __future__ import annotations

from functools import partial

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from delphi.form_rules import Rule
from delphi.panel.listing import PanelStatus
from delphi.validation import (
    EMAIL_MAX_LENGTH,
    GROUP_MAX_LENGTH,
    NAME_MAX_LENGTH,
    email_problem,
    text_problem,
)


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


class PanelSearchForm(FlaskForm):
    """The Panel page's search, sent by GET (nothing changes, so no CSRF token): text found in a
    pseudonym, name, e-mail or group, a status, and the page of results."""

    class Meta:
        csrf = False

    text = SearchField(
        "Find", validators=[Rule(partial(text_problem, max_length=EMAIL_MAX_LENGTH))]
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in PanelStatus],
        default="",
    )
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1)], default=1)

    @property
    def chosen_status(self) -> PanelStatus | None:
        return PanelStatus(self.status.data) if self.status.data else None
