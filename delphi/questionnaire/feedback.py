"""Feedback shown next to each item from round 2 on, built from the previous round's frozen summary.

Every number comes from the summary frozen when that round closed (design invariants 1 and 8):
nothing here computes a median or a percentage. Comments are shown without names or pseudonyms,
sorted by their text so that their order does not link one panellist's comments across items.
Stakeholder groups are shown apart only when they have at least the study's ``min_group_size``
ratings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from delphi.consensus import ConsensusSettings, ItemSummary
from delphi.extensions import db
from delphi.models import Panellist, Rating, Response, ResponseStatus, Round, RoundItem, Study
from delphi.questionnaire.charts import Histogram, histogram


@dataclass
class GroupFeedback:
    """One stakeholder group's distribution for an item."""

    group: str
    own: bool  # the panellist's own group
    summary: ItemSummary
    chart: Histogram


@dataclass
class ItemFeedback:
    """What the panel said about an item in the previous round, and what this panellist said."""

    round_number: int  # the round the feedback comes from
    code: str  # the code of the wording rated then
    replaced_text: str | None  # the earlier wording, when the item has been reworded since
    summary: ItemSummary
    chart: Histogram
    high_region: tuple[int, int]
    own_value: int | None = None
    own_unable: bool = False
    comments: list[str] = field(default_factory=list)
    groups: list[GroupFeedback] = field(default_factory=list)

    @property
    def has_iqr(self) -> bool:
        return self.summary.q1 is not None and self.summary.q3 is not None

    def outside_iqr(self, value: int | None) -> bool:
        """Whether a new rating lies outside the group's interquartile range [Q1, Q3]."""
        if value is None or not self.has_iqr:
            return False
        return value < self.summary.q1 or value > self.summary.q3


def feedback_for_round(study: Study, round_: Round, round_items: list[RoundItem],
                       panellist: Panellist) -> dict[int, ItemFeedback]:
    """Feedback for each of ``round_items`` that was rated in the previous round, by round item id.

    A reworded item gets the feedback of the wording it replaced. Runs four queries whatever the
    number of items; ``round_items`` must have their ``item`` loaded.
    """
    previous = db.session.scalar(
        db.select(Round).filter_by(study_id=study.id, number=round_.number - 1))
    if previous is None or previous.settings is None:
        return {}
    settings = ConsensusSettings.from_dict(previous.settings)
    before = {ri.item_id: ri for ri in db.session.scalars(
        db.select(RoundItem).filter_by(round_id=previous.id))}
    own = {row.round_item_id: row for row in db.session.execute(
        db.select(Rating.round_item_id, Rating.value, Rating.unable)
        .join(Response, Response.id == Rating.response_id)
        .where(Response.round_id == previous.id, Response.panellist_id == panellist.id,
               Response.status == ResponseStatus.SUBMITTED))}
    comments: dict[int, list[str]] = {}
    for round_item_id, comment in db.session.execute(
        db.select(Rating.round_item_id, Rating.comment)
        .join(Response, Response.id == Rating.response_id)
        .where(Response.round_id == previous.id, Response.status == ResponseStatus.SUBMITTED,
               Rating.comment.is_not(None))
    ):
        comments.setdefault(round_item_id, []).append(comment)

    feedback = {}
    for round_item in round_items:
        earlier = before.get(round_item.item_id)
        reworded = False
        if earlier is None and round_item.item.reworded_from_id is not None:
            earlier = before.get(round_item.item.reworded_from_id)
            reworded = True
        if earlier is None or earlier.summary is None:
            continue
        mine = own.get(earlier.id)
        summary = ItemSummary.from_dict(earlier.summary)
        own_value = mine.value if mine is not None else None
        feedback[round_item.id] = ItemFeedback(
            round_number=previous.number,
            code=earlier.code,
            replaced_text=earlier.text if reworded else None,
            summary=summary,
            chart=histogram(summary, study.scale_min, study.scale_max, own=own_value,
                            high_region=settings.high_region),
            high_region=settings.high_region,
            own_value=own_value,
            own_unable=bool(mine is not None and mine.unable),
            comments=sorted(comments.get(earlier.id, []), key=str.casefold),
            groups=_groups(study, earlier, panellist, settings, own_value)
            if study.group_feedback else [],
        )
    return feedback


def _groups(study: Study, earlier: RoundItem, panellist: Panellist,
            settings: ConsensusSettings, own_value: int | None) -> list[GroupFeedback]:
    """Per-group distributions of the groups large enough to stay anonymous, in name order."""
    groups = []
    for group, data in sorted((earlier.group_summaries or {}).items()):
        summary = ItemSummary.from_dict(data)
        if summary.n < study.min_group_size:
            continue
        own = group == panellist.group
        groups.append(GroupFeedback(
            group=group, own=own, summary=summary,
            chart=histogram(summary, study.scale_min, study.scale_max,
                            own=own_value if own else None,
                            high_region=settings.high_region, who=f"panellists in {group}"),
        ))
    return groups
