"""Feedback shown next to each item from round 2 on, built from the previous round's frozen summary.

Every number comes from the summary frozen when that round closed (design invariants 1 and 8):
nothing here computes a median or a percentage. Comments are shown without names or pseudonyms,
sorted by their text so that their order does not link one panellist's comments across items.
Stakeholder groups are shown apart only when they have at least the study's ``min_group_size``
ratings. The study chooses whether panellists see these comments, the research team's summary of
the arguments (written during the review, fixed once the next round is prepared), or both.

What the panel said is the same for every panellist, so it is read and drawn once per closed
round and kept (``RoundFeedback``); a page then adds only the panellist's own previous rating.
The kept copy is found by a key read from the database on every request: the round's id, when
it closed and its ``revision``, which an erasure raises when it blanks comments, and the study
settings the drawing depends on. So every app server shows the same feedback, and a change is
seen on the next request; nothing a request writes is kept in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from flask import current_app, get_template_attribute
from markupsafe import Markup, escape

from delphi.charts import FEEDBACK, describe, distribution_chart
from delphi.consensus import ItemSummary
from delphi.extensions import db
from delphi.models import (
    CommentFeedback,
    Panellist,
    Rating,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    Study,
)
from delphi.questionnaire.prerendered import PrerenderedFragment, gap

if TYPE_CHECKING:
    from delphi.questionnaire.standing import ShownItem

# Closed rounds whose feedback an app process keeps drawn: the latest of each study in round 2 or
# later. A round of 200 items takes a few megabytes, more with group feedback.
ROUNDS_KEPT = 8


class Chart:
    """A feedback chart drawn once: only the bar of the viewer's own rating differs.

    The distribution over the scale ``points`` with the median and the middle half (Q1 to Q3)
    marked, hidden from screen readers, which read its description in words instead.
    """

    def __init__(
        self,
        summary: ItemSummary,
        points: list[int],
        high_region: tuple[int, int],
        who: str = "panellists",
    ):
        self.summary = summary
        self.high_region = high_region
        self.geometry = distribution_chart(
            summary.counts or {},
            points,
            FEEDBACK,
            median=summary.median,
            q1=summary.q1,
            q3=summary.q3,
            description=describe(summary, points, high_region=high_region, who=who),
        )

    @cached_property
    def _parts(self) -> tuple[Markup, dict[int, tuple[Markup, Markup]], Markup]:
        bars = {b.point: (b.svg(False), b.svg(True)) for b in self.geometry.bars}
        return self.geometry.svg_head(), bars, self.geometry.svg_tail()

    def svg(self, own: int | None = None) -> Markup:
        """The chart with ``own`` (the viewer's previous rating, if any) drawn darker: the same
        markup as ``DistributionChart.svg`` writes, from parts written once."""
        head, bars, tail = self._parts
        # Every part is markup already: join them as text rather than escape each again.
        return Markup("".join([head, *(pair[point == own] for point, pair in bars.items()), tail]))

    @cached_property
    def caption(self) -> Markup:
        """Median, middle half and percent high, in words."""
        return get_template_attribute("questionnaire/_feedback.html", "chart_caption")(
            self.summary, self.high_region
        )


@dataclass
class FrozenItem:
    """What the panel said about one item of a closed round; the same for every panellist."""

    round_item_id: int  # in the closed round
    round_number: int
    code: str
    text: str
    summary: ItemSummary
    high_region: tuple[int, int]
    chart: Chart
    comments: list[str]  # empty when the study shows only the team's summary
    groups: list[tuple[str, ItemSummary, Chart]]  # large enough to be shown, in name order
    argument_summary: str | None = None  # the team's, when the study shows summaries
    # The feedback block with gaps, by (reworded, the viewer's own group): see ``fragment``.
    _fragments: dict[tuple[bool, str | None], PrerenderedFragment] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def comments_html(self) -> Markup:
        return get_template_attribute("questionnaire/_feedback.html", "comments_block")(
            self.round_number, self.comments, self.argument_summary
        )

    def fragment(self, reworded: bool, own_group: str | None) -> PrerenderedFragment:
        """The feedback block drawn with gaps for the item's id, the panellist's own rating and
        the charts (which mark it); one per rewording and own group, drawn when first needed."""
        key = (reworded, own_group)
        found = self._fragments.get(key)
        if found is None:
            drawing = _FeedbackWithGaps(
                frozen=self,
                replaced_text=self.text if reworded else None,
                chart=_GapChart("chart", self.chart.caption),
                groups=[
                    GroupFeedback(
                        name, name == own_group, summary, _GapChart(f"group-{index}", chart.caption)
                    )
                    for index, (name, summary, chart) in enumerate(self.groups)
                ],
            )
            block = get_template_attribute("questionnaire/_feedback.html", "feedback_block")
            found = self._fragments[key] = PrerenderedFragment(block(drawing, gap("item")))
        return found


@dataclass
class GroupFeedback:
    """One stakeholder group's distribution for an item."""

    group: str
    own: bool  # the panellist's own group
    summary: ItemSummary
    chart: Chart | _GapChart  # a gap while the block kept for every panellist is drawn


@dataclass
class ItemFeedback:
    """What the panel said about an item in the previous round, and what this panellist said."""

    frozen: FrozenItem
    replaced_text: str | None  # the earlier wording, when the item has been reworded since
    own_value: int | None = None
    own_unable: bool = False
    groups: list[GroupFeedback] = field(default_factory=list)

    @property
    def summary(self) -> ItemSummary:
        return self.frozen.summary

    @property
    def chart(self) -> Chart:
        """The whole panel's chart, as ``feedback_block`` reads it."""
        return self.frozen.chart

    @property
    def own_rating(self) -> str:
        """The panellist's own rating in the previous round, in words."""
        if self.own_unable:
            return "unable to rate"
        return "not rated" if self.own_value is None else str(self.own_value)

    def html(self, round_item_id: int) -> Markup:
        """The feedback block for this panellist, from the fragment drawn for everyone."""
        own_group = next((group.group for group in self.groups if group.own), None)
        values = {
            "item": Markup(int(round_item_id)),
            "own": escape(self.own_rating),
            "chart": self.frozen.chart.svg(self.own_value),
        }
        for index, group in enumerate(self.groups):
            values[f"group-{index}"] = group.chart.svg(self.own_value if group.own else None)
        return self.frozen.fragment(self.replaced_text is not None, own_group).fill(values)

    @property
    def has_iqr(self) -> bool:
        return self.summary.q1 is not None and self.summary.q3 is not None

    def outside_iqr(self, value: int | None) -> bool:
        """Whether a new rating lies outside the group's interquartile range [Q1, Q3]."""
        q1, q3 = self.summary.q1, self.summary.q3
        if value is None or q1 is None or q3 is None:
            return False
        return value < q1 or value > q3


@dataclass
class _GapChart:
    """Stands for a chart while a fragment is drawn: a gap where its SVG goes."""

    name: str
    caption: Markup

    def svg(self, own: int | None = None) -> Markup:
        return gap(self.name)


_OWN_GAP = gap("own")


@dataclass
class _FeedbackWithGaps:
    """What ``feedback_block`` reads, with gaps where each panellist's own parts go."""

    frozen: FrozenItem
    replaced_text: str | None
    chart: _GapChart
    groups: list[GroupFeedback]
    own_rating: Markup = _OWN_GAP
    own_value: None = None


@dataclass
class RoundFeedback:
    """A closed round's feedback for all panellists: its frozen items by item id."""

    items: dict[int, FrozenItem]


class FeedbackCache:
    """The last few closed rounds' ``RoundFeedback``, by a key that changes when they would."""

    def __init__(self, size: int = ROUNDS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[tuple, RoundFeedback] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> RoundFeedback | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: tuple, feedback: RoundFeedback) -> None:
        with self._lock:
            self._kept[key] = feedback
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


def feedback_cache() -> FeedbackCache:
    return current_app.extensions.setdefault("delphi.feedback", FeedbackCache())


def feedback_for_round(
    study: Study,
    round_items: list[ShownItem],
    panellist: Panellist,
    previous: Round | None,
    own: dict | None = None,
) -> dict[int, ItemFeedback]:
    """Feedback for each of ``round_items`` that was rated in the ``previous`` round, by round
    item id.

    A reworded item gets the feedback of the wording it replaced. ``own`` is the panellist's
    submitted ratings of the previous round by round item id, read here when not given. Runs
    at most one query when the previous round's feedback is kept, three when it must be read;
    never more with more items.
    """
    if previous is None or previous.settings is None:
        return {}
    frozen = _round_feedback(study, previous)
    if own is None:
        own = {
            row.round_item_id: row
            for row in db.session.execute(
                db.select(Rating.round_item_id, Rating.value, Rating.unable)
                .join(Response, Response.id == Rating.response_id)
                .where(
                    Response.round_id == previous.id,
                    Response.panellist_id == panellist.id,
                    Response.status == ResponseStatus.SUBMITTED,
                )
            )
        }

    feedback = {}
    for round_item in round_items:
        earlier = frozen.items.get(round_item.item_id)
        reworded = False
        if earlier is None and round_item.reworded_from_id is not None:
            earlier = frozen.items.get(round_item.reworded_from_id)
            reworded = True
        if earlier is None:
            continue
        mine = own.get(earlier.round_item_id)
        feedback[round_item.id] = ItemFeedback(
            frozen=earlier,
            replaced_text=earlier.text if reworded else None,
            own_value=mine.value if mine is not None else None,
            own_unable=bool(mine is not None and mine.unable),
            groups=[
                GroupFeedback(group=name, own=name == panellist.group, summary=summary, chart=chart)
                for name, summary, chart in earlier.groups
            ],
        )
    return feedback


def _round_feedback(study: Study, previous: Round) -> RoundFeedback:
    """The previous round's feedback, kept or read now."""
    key = (
        previous.id,
        previous.closed_at,
        previous.revision,
        study.id,
        study.scale_min,
        study.scale_max,
        study.group_feedback,
        study.min_group_size,
        study.comment_feedback,
    )
    cache = feedback_cache()
    found = cache.get(key)
    if found is None:
        found = _read_round_feedback(study, previous)
        cache.put(key, found)
    return found


def _read_round_feedback(study: Study, previous: Round) -> RoundFeedback:
    """Read a closed round's frozen summaries and comments (two queries)."""
    high_region = previous.recorded_settings().high_region
    show_comments = study.comment_feedback is not CommentFeedback.SUMMARY
    show_summary = study.comment_feedback is not CommentFeedback.COMMENTS
    comments: dict[int, list[str]] = {}
    for round_item_id, comment in db.session.execute(
        db.select(Rating.round_item_id, Rating.comment)
        .join(Response, Response.id == Rating.response_id)
        .where(
            Response.round_id == previous.id,
            Response.status == ResponseStatus.SUBMITTED,
            Rating.comment.is_not(None),
        )
    ):
        comments.setdefault(round_item_id, []).append(comment)

    def chart(summary: ItemSummary, who: str = "panellists") -> Chart:
        return Chart(summary, study.scale_points, high_region, who)

    items = {}
    for row in db.session.execute(
        db.select(
            RoundItem.id,
            RoundItem.item_id,
            RoundItem.code,
            RoundItem.text,
            RoundItem.summary,
            RoundItem.group_summaries,
            RoundItem.argument_summary,
        ).where(RoundItem.round_id == previous.id)
    ):
        if row.summary is None:  # not rated in that round
            continue
        summary = ItemSummary.from_dict(row.summary)
        groups = []
        if study.group_feedback:
            for group, data in sorted((row.group_summaries or {}).items()):
                group_summary = ItemSummary.from_dict(data)
                if group_summary.n >= study.min_group_size:
                    groups.append(
                        (group, group_summary, chart(group_summary, f"panellists in {group}"))
                    )
        items[row.item_id] = FrozenItem(
            round_item_id=row.id,
            round_number=previous.number,
            code=row.code,
            text=row.text,
            summary=summary,
            high_region=high_region,
            chart=chart(summary),
            comments=sorted(comments.get(row.id, []), key=str.casefold) if show_comments else [],
            groups=groups,
            argument_summary=row.argument_summary if show_summary else None,
        )
    return RoundFeedback(items)
