"""Form field validators that apply the rules of delphi.validation; the message names the field."""

from __future__ import annotations

from collections.abc import Callable

from wtforms.validators import ValidationError

from delphi.validation import SETTING_MAX, whole_number_problem


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
        problem = (
            None
            if field.data is None
            else whole_number_problem(field.data, minimum=self.minimum, maximum=self.maximum)
        )
        if problem:
            raise ValidationError(f"{field.label.text}: {problem}")
