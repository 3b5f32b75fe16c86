"""An item's rating controls, drawn once per page and filled in for each item.

A round-2 page can hold hundreds of items, each with a radio button per scale point. The
scale's choices are drawn once (``templates/questionnaire/_scale.html``) with a gap where the
item's id goes, in a checked and an unchecked version, and copied for each item.
"""
from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

from delphi.models import Study
from delphi.questionnaire.stencil import gap
from delphi.rounds.answers import Answer

ITEM = gap("item")


class ScaleControls:
    """The radio buttons of one study's scale (and "unable to rate"), for any item."""

    def __init__(self, study: Study) -> None:
        point = get_template_attribute("questionnaire/_scale.html", "scale_point")
        unable = get_template_attribute("questionnaire/_scale.html", "unable_point")
        self._points = [(value, tuple(point(ITEM, value, study.label_for(value), checked)
                                      for checked in (False, True)))
                        for value in study.scale_points]
        self._unable = None
        if study.unable_to_rate:
            self._unable = tuple(unable(ITEM, checked) for checked in (False, True))

    def controls(self, round_item_id: int, answer: Answer | None) -> Markup:
        """The choices for one item, the one in ``answer`` checked."""
        value = answer.value if answer is not None and not answer.unable else None
        parts = [pair[point == value] for point, pair in self._points]
        if self._unable is not None:
            parts.append(self._unable[answer is not None and answer.unable])
        # Every part is markup: join as text, then put the item's id in the gaps.
        return Markup("\n      ".join(parts).replace(ITEM, str(int(round_item_id))))
