"""View-model of the review of a closed round: its items with the statistics frozen when it
closed, decisions, what panellists wrote and their suggestions.

A fixed number of SQL statements whatever the number of items, panellists or suggestions; the
statistics are read from the frozen summaries, never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload

from delphi.consensus import ConsensusSettings, ItemStability, ItemSummary
from delphi.extensions import db
from delphi.models import (
    CommentFeedback,
    Decision,
    Item,
    Panellist,
    Round,
    RoundItem,
    RoundState,
    Section,
    Study,
    Suggestion,
)
from delphi.reports.remarks import Remark, by_group
from delphi.rounds.dashboard import ItemRow, _round_items, histogram
from delphi.rounds.lifecycle import PROPOSED
from delphi.rounds.review_remarks import (
    REMARKS_BESIDE_WORDING,
    Remarks,
    RoundRemarks,
    review_remarks,
)


@dataclass(frozen=True)
class ReviewRow(ItemRow):
    proposed: Decision | None = None
    new_wording: Item | None = None  # the item that rewords this one, once reworded
    stability: ItemStability | None = None
    said: Remarks = field(default_factory=Remarks)  # comments, with the writers' groups
    why: Remarks = field(default_factory=Remarks)  # reasons for ratings outside the IQR

    @property
    def comments(self) -> list[Remark]:
        """The comments shown (the first REMARKS_SHOWN on the review, all on the reword page)."""
        return self.said.shown

    @property
    def reasons(self) -> list[Remark]:
        return self.why.shown

    @property
    def comments_by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.said.shown)

    @property
    def reasons_by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.why.shown)

    @property
    def explanation(self) -> str:
        """Why the item has its status ("78% rated 7-9 ..."), shown after the status."""
        return "" if self.summary is None else self.summary.explanation


TALLY_ORDER = (
    Decision.CONSENSUS_IN,
    Decision.CONSENSUS_OUT,
    Decision.CARRY_FORWARD,
    Decision.REWORDED,
)


@dataclass(frozen=True)
class SuggestionRow:
    suggestion: Suggestion
    pseudonym: str | None


@dataclass
class Review:
    round_: Round
    settings: ConsensusSettings  # as frozen with the round
    items: list[ReviewRow]
    suggestions: list[SuggestionRow]
    sections: list[Section]
    next_round: Round | None  # the following round once prepared: decisions are then final
    # Panellists' comments on each section, grouped by stakeholder group, and how many more
    # there are than shown: (section, groups, more).
    section_comments: list[tuple[Section, list[tuple[str, list[str]]], int]] = field(
        default_factory=list
    )

    @property
    def shows_summary(self) -> bool:
        """Whether panellists of the next round see the team's summaries of the arguments."""
        return self.round_.study.comment_feedback is not CommentFeedback.COMMENTS

    @property
    def counts(self) -> list[tuple[Decision, int]]:
        """How many items have each decision: consensus in and out first, then those rated
        again."""
        counts = dict.fromkeys(TALLY_ORDER, 0)
        for row in self.items:
            if row.round_item.decision is not None:
                counts[row.round_item.decision] += 1
        return list(counts.items())

    @property
    def region_labels(self) -> dict[str, str]:
        """The scale's low, middle and high regions as the frozen settings define them."""
        (low_from, low_to), (high_from, high_to) = (
            self.settings.low_region,
            self.settings.high_region,
        )
        middle = f"{low_to + 1}–{high_from - 1}" if high_from - low_to > 1 else "none"
        return {"low": f"{low_from}–{low_to}", "mid": middle, "high": f"{high_from}–{high_to}"}

    @property
    def final(self) -> bool:
        return self.next_round is not None

    @property
    def can_open_next(self) -> bool:
        """The next round can be launched: not prepared yet, or prepared but not opened."""
        return self.next_round is None or self.next_round.state is RoundState.DRAFT


def said_about(round_item: RoundItem) -> ReviewRow:
    """What panellists wrote about one item of a closed round (the reword page's sidebar)."""
    remarks = RoundRemarks(round_item.round, round_item.round.study.min_group_size)
    comments, reasons = remarks.items(only=round_item.id, limit=REMARKS_BESIDE_WORDING)
    return ReviewRow(
        round_item=round_item,
        section=round_item.section.title,
        summary=None,
        chart=None,
        said=comments.get(round_item.id, Remarks()),
        why=reasons.get(round_item.id, Remarks()),
    )


def review(round_: Round) -> Review:
    """A closed round's items with their frozen statistics, decisions and suggestions."""
    study: Study = round_.study
    round_items = _round_items(round_)
    new_wordings = {
        item.reworded_from_id: item
        for item in db.session.scalars(
            db.select(Item)
            .where(
                Item.retired.is_(False),
                Item.reworded_from_id.in_(
                    db.select(RoundItem.item_id).where(RoundItem.round_id == round_.id)
                ),
            )
            .order_by(Item.id)
        )
    }
    said = review_remarks(round_, study.min_group_size)
    comments, reasons, on_sections = said.comments, said.reasons, said.sections
    rows = []
    for ri in round_items:
        summary = ItemSummary.from_dict(ri.summary) if ri.summary is not None else None
        rows.append(
            ReviewRow(
                round_item=ri,
                section=ri.section.title,
                summary=summary,
                chart=histogram(summary, study.scale_points, ri.code) if summary else None,
                proposed=PROPOSED.get(ri.status) if ri.status else None,
                new_wording=new_wordings.get(ri.item_id),
                stability=ItemStability.from_dict(ri.stability) if ri.stability else None,
                said=comments.get(ri.id, Remarks()),
                why=reasons.get(ri.id, Remarks()),
            )
        )
    suggestions = [
        SuggestionRow(suggestion=s, pseudonym=p)
        for s, p in db.session.execute(
            db.select(Suggestion, Panellist.pseudonym)
            .join(Panellist, Panellist.id == Suggestion.panellist_id, isouter=True)
            .where(Suggestion.round_id == round_.id)
            .options(
                joinedload(Suggestion.section),
                joinedload(Suggestion.item),
                joinedload(Suggestion.resulting_item),
            )
            .order_by(Suggestion.created_at, Suggestion.id)
        )
    ]
    next_round = db.session.scalar(
        db.select(Round).filter_by(study_id=round_.study_id, number=round_.number + 1)
    )
    sections = list(
        db.session.scalars(
            db.select(Section).filter_by(study_id=study.id).order_by(Section.position, Section.id)
        )
    )
    return Review(
        round_=round_,
        settings=round_.recorded_settings(),
        items=rows,
        suggestions=suggestions,
        sections=sections,
        next_round=next_round,
        section_comments=[
            (section, by_group(on_sections[section.id].shown), on_sections[section.id].more)
            for section in sections
            if section.id in on_sections
        ],
    )
