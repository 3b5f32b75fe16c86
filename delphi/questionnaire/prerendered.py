"""Markup drawn once with named gaps, then filled in for each page.

Much of a round-2 page is the same for every panellist: the feedback on each item, the choices
of the scale. Drawing a template fragment once with a few gaps (``gap("own")`` prints
``<GAP-own>``) and filling the gaps per page gives the same markup as drawing it in full each
time, at a small part of the cost. Escaped text never contains "<", so a gap cannot clash with
anything a template prints; what fills a gap must be markup or escaped text.

This holds only while the template prints each gapped argument as it is: a filter
(``{{ comment|upper }}``) or a test (``{% if reason %}``) on it sees the marker, not the value.
``delphi.questionnaire.fieldsets.fieldset_in_full`` draws the same fragments without gaps, and
``tests/questionnaire/test_prerendered_equals_plain.py`` checks that both give the same markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_GAP = re.compile(r"<GAP-([a-z0-9-]+)>")


def gap(name: str) -> Markup:
    """The marker a template prints where the named gap goes."""
    return Markup(f"<GAP-{name}>")


class PrerenderedFragment:
    """A template fragment's markup with gaps, split once so that filling it is a join."""

    def __init__(self, markup: Markup) -> None:
        self._parts = _GAP.split(str(markup))  # text, gap name, text, gap name, ..., text

    def fill(self, values: dict[str, Markup]) -> Markup:
        """The markup with each gap replaced by its value (a KeyError names a gap left empty)."""
        parts = self._parts.copy()
        for index in range(1, len(parts), 2):
            parts[index] = values[parts[index]]
        return Markup("".join(parts))
