"""The items of a section page, drawn once with gaps and filled in for each item.

A round-2 page can hold a hundred items, each with a radio button per scale point, feedback and
comment boxes. The item's markup (``templates/questionnaire/_item.html``) and the scale's
choices (``_scale.html``) are drawn once with gaps (``delphi.questionnaire.prerendered``) and
each item fills them in: the same markup as drawing every item in full, at a small part of the
cost. ``fieldset_in_full`` draws every item in full: it is the reference the fast path must
equal, and a test holds them to it.

What is drawn with gaps depends only on the templates and on the study's scale (its points,
their labels, "unable to rate"), so each app process keeps it, found by those values as read
from the database on every request: a study whose scale changes gets a new drawing at once.
"""

from __future__ import annotations

from flask import current_app, get_template_attribute
from markupsafe import Markup, escape

from delphi.markdown import render_markdown
from delphi.models import RoundItem, Study
from delphi.questionnaire.feedback import FeedbackCache, ItemFeedback
from delphi.questionnaire.prerendered import PrerenderedFragment, gap
from delphi.questionnaire.standing import ShownItem
from delphi.rounds.answers import Answer

ITEM = gap("item")
# item_fieldset's arguments in order, each drawn as a gap of the same name.
GAPS = ("item", "code", "text", "explanation", "feedback", "scale", "reason", "comment")
CHOICE_SEPARATOR = "\n      "  # between two of an item's radio buttons
# Scales whose choices an app process keeps drawn: one per scale of the studies it serves.
SCALES_KEPT = 32


def narrow_columns(points: int) -> int:
    """How many of a scale's points share a row on a narrow screen: every row full (nine
    points as three rows of three, not five and four), at most five to a row; one row up to
    five points; a scale whose points cannot be shared out evenly in rows of three to five
    (seven, eleven) fills rows of four."""
    if points <= 5:
        return points
    return next((columns for columns in (5, 4, 3) if points % columns == 0), 4)


def explanation_html(round_item: ShownItem | RoundItem) -> Markup:
    """An item's explanation under its wording: sanitised Markdown, or nothing."""
    if isinstance(round_item, ShownItem):
        explanation = round_item.explanation
    else:  # a round item not yet stored has no item to explain it
        explanation = round_item.item.explanation if round_item.item is not None else ""
    if not explanation.strip():
        return Markup("")
    return Markup('<div class="item-explanation">{}</div>').format(render_markdown(explanation))


class ScaleControls:
    """The radio buttons of one study's scale (and "unable to rate"), for any item."""

    def __init__(self, study: Study) -> None:
        self.narrow_columns = narrow_columns(len(study.scale_points))
        point = get_template_attribute("questionnaire/_scale.html", "scale_point")
        unable = get_template_attribute("questionnaire/_scale.html", "unable_point")
        self._points = [
            (
                value,
                tuple(
                    point(ITEM, value, study.label_for(value), checked) for checked in (False, True)
                ),
            )
            for value in study.scale_points
        ]
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
        return Markup(CHOICE_SEPARATOR.join(parts).replace(ITEM, str(int(round_item_id))))


def scale_controls(study: Study) -> ScaleControls:
    """The study's ``ScaleControls``, kept by the app process for the scale they draw."""
    points = study.scale_points
    key = (tuple(points), tuple(study.label_for(point) for point in points), study.unable_to_rate)
    kept = current_app.extensions.setdefault("delphi.scales", FeedbackCache(SCALES_KEPT))
    found = kept.get(key)
    if found is None:
        found = ScaleControls(study)
        kept.put(key, found)
    return found


class ItemDrawing:
    """The parts of an item's fieldset that are the same for every item, drawn once per app."""

    def __init__(self) -> None:
        fieldset = get_template_attribute("questionnaire/_item.html", "item_fieldset")
        self.fieldset = PrerenderedFragment(fieldset(*(gap(name) for name in GAPS)))
        self.reason = get_template_attribute("questionnaire/_item.html", "reason_field")
        self.new = get_template_attribute("questionnaire/_item.html", "new_item")()


def item_drawing() -> ItemDrawing:
    """The app's ``ItemDrawing``, drawn on first use."""
    found = current_app.extensions.get("delphi.item_drawing")
    if found is None:
        found = current_app.extensions["delphi.item_drawing"] = ItemDrawing()
    return found


class Fieldsets:
    """Draws each item's fieldset on one section page of ``study`` in ``round_number``."""

    def __init__(self, study: Study, round_number: int) -> None:
        self.study = study
        self.scale = scale_controls(study)
        drawing = item_drawing()
        self._fieldset = drawing.fieldset
        self._reason = drawing.reason
        self._new = drawing.new if round_number > 1 else Markup("")

    def section(
        self,
        round_items: list[ShownItem],
        values: dict[int, Answer],
        feedback: dict[int, ItemFeedback],
        needing_reason: list[ShownItem],
    ) -> list[Markup]:
        """The fieldset of each of a section page's ``round_items``, in order."""
        needing = {round_item.id for round_item in needing_reason}
        return [
            self.fieldset(
                round_item,
                values.get(round_item.id),
                feedback.get(round_item.id),
                round_item.id in needing,
            )
            for round_item in round_items
        ]

    def fieldset(
        self, round_item, answer: Answer | None, feedback: ItemFeedback | None, needs_reason: bool
    ) -> Markup:
        """One item: its wording, feedback, choices, reason (if asked for) and comment."""
        item = str(int(round_item.id))
        reason = Markup("")
        if feedback is not None and self.study.reason_outside_iqr and feedback.has_iqr:
            reason = self._reason(
                item,
                feedback.summary.q1,
                feedback.summary.q3,
                answer.reason if answer is not None else None,
                needs_reason,
            )
        return self._fieldset.fill(
            {
                "item": Markup(item),
                "code": escape(round_item.code),
                "text": escape(round_item.text),
                "explanation": explanation_html(round_item),
                "feedback": feedback.html(round_item.id) if feedback is not None else self._new,
                "scale": self.scale.controls(round_item.id, answer),
                "reason": reason,
                "comment": escape(answer.comment or "") if answer is not None else Markup(""),
            }
        )


def fieldset_in_full(
    study: Study,
    round_number: int,
    round_item,
    answer: Answer | None,
    feedback: ItemFeedback | None,
    needs_reason: bool,
) -> Markup:
    """One item's fieldset drawn by the same templates with its own values and no gaps: the
    markup ``Fieldsets.fieldset`` must give for the same arguments. Too slow for pages; kept as
    the reference for ``tests/questionnaire/test_prerendered_equals_plain.py``.

    Feedback charts, their captions and the list of comments have no gaps: both paths use them
    as ``feedback.py`` draws them once per closed round.
    """

    def macro(template: str, name: str):
        return get_template_attribute(f"questionnaire/{template}", name)

    value = answer.value if answer is not None and not answer.unable else None
    choices = [
        macro("_scale.html", "scale_point")(
            round_item.id, point, study.label_for(point), point == value
        )
        for point in study.scale_points
    ]
    if study.unable_to_rate:
        choices.append(
            macro("_scale.html", "unable_point")(
                round_item.id, answer is not None and answer.unable
            )
        )
    if feedback is not None:
        shown = macro("_feedback.html", "feedback_block")(feedback, round_item.id)
    else:
        shown = macro("_item.html", "new_item")() if round_number > 1 else ""
    reason = ""
    if feedback is not None and study.reason_outside_iqr and feedback.has_iqr:
        reason = macro("_item.html", "reason_field")(
            round_item.id,
            feedback.summary.q1,
            feedback.summary.q3,
            answer.reason if answer is not None else None,
            needs_reason,
        )
    comment = (answer.comment or "") if answer is not None else ""
    return macro("_item.html", "item_fieldset")(
        round_item.id,
        round_item.code,
        round_item.text,
        explanation_html(round_item),
        shown,
        Markup(CHOICE_SEPARATOR).join(choices),
        reason,
        comment,
    )
