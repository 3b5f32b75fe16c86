"""The Protocol page's form: one field per declared protocol field (delphi/studies/protocol.py)."""

from __future__ import annotations

from functools import partial

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import Optional

from delphi.form_rules import Rule, WholeNumber
from delphi.studies.protocol import PROTOCOL_FIELDS, ProtocolField
from delphi.validation import LONG_TEXT_MAX_LENGTH, text_problem

long_text_problem = partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)


def protocol_control(field: ProtocolField):
    if field.is_number:
        return IntegerField(
            field.label, description=field.help, validators=[Optional(), WholeNumber(1)]
        )
    return TextAreaField(field.label, description=field.help, validators=[Rule(long_text_problem)])


class ProtocolForm(FlaskForm):
    """The protocol, each field named after its Study column; every problem reported at once."""

    def controls(self) -> list:
        return [self[field.column] for field in PROTOCOL_FIELDS]

    def values(self) -> dict[str, object]:
        """Column name to value: text stripped of surrounding space, no number as None."""
        values: dict[str, object] = {}
        for field in PROTOCOL_FIELDS:
            data = self[field.column].data
            values[field.column] = data if field.is_number else (data or "").strip()
        return values


for _field in PROTOCOL_FIELDS:
    setattr(ProtocolForm, _field.column, protocol_control(_field))
