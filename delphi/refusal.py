"""The one error an operation raises to refuse a request it will not carry out.

Its message says what is wrong and where, in words for the person who asked; the view or the
command shows it as it is and changes nothing. Each capability subclasses it (a round's
transition, an imported file's problems), so the command line and the pages need not know them
all.
"""

from __future__ import annotations


class Refused(Exception):
    """An operation refused to act; the message says why, worded for the user.

    ``field`` names the form field (or file column) at fault when there is one, so a page can
    show the message beside it without reading the message's words.
    """

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field
