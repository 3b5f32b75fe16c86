"""An item's rating controls, drawn once per page and copied for each item.

A round-2 page can hold hundreds of items, each with a radio button per scale point. Drawing the
scale's choices once (``templates/questionnaire/_scale.html``) with a placeholder where the
item's id goes, then copying them with the id filled in, gives the same markup as drawing every
item in full at a small part of the cost.
"""
from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

from delphi.models import Study
from delphi.rounds.answers import Answer

# Where the item's id goes. Escaped text never contains "<", so the placeholder cannot clash
# with anything the macros print, such as a scale label.
SLOT = Markup("<ITEM>")


class ScaleControls:
    """The radio buttons of one study's scale (and "unable to rate"), for any item."""

    def __init__(self, study: Study) -> None:
        point = get_template_attribute("questionnaire/_scale.html", "scale_point")
        unable = get_template_attribute("questionnaire/_scale.html", "unable_point")
        separator = Markup("\n      ")
        self._points = [
            (value, tuple(point(SLOT, value, study.label_for(value), checked) + separator
                          for checked in (False, True)))
            for value in study.scale_points
        ]
        self._unable = None
        if study.unable_to_rate:
            self._unable = tuple(unable(SLOT, checked) for checked in (False, True))

    def controls(self, round_item_id: int, answer: Answer | None) -> Markup:
        """The choices for one item, the one in ``answer`` checked."""
        value = answer.value if answer is not None and not answer.unable else None
        parts = [pair[point == value] for point, pair in self._points]
        if self._unable is not None:
            parts.append(self._unable[answer is not None and answer.unable])
        return Markup("".join(parts).replace(SLOT, str(int(round_item_id))))
