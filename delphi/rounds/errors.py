"""Errors raised by round lifecycle operations."""

from delphi.refusal import Refused


class RoundError(Refused):
    """An operation is not allowed in the round's or study's current state; says why."""


class AnswerError(RoundError):
    """An answer cannot be stored: off the scale, an item not in the round, and so on.

    ``field`` names the form field or file column at fault when there is one.
    """
