"""View-models of the console's round pages: the open round's dashboard and the review.

Each builder runs a fixed number of SQL statements whatever the number of items, panellists or
suggestions, and takes every statistic from the consensus engine (the live summary of the open
round, or the summary frozen when a round closed); nothing here computes a statistic of the
ratings, only response rates; ``delphi.charts`` places the histograms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_
from sqlalchemy.orm import joinedload

from delphi.charts import CONSOLE, DistributionChart, counts_in_words, distribution_chart
from delphi.consensus import ConsensusSettings, ItemStability, ItemSummary, summarise
from delphi.extensions import db
from delphi.models import (
    CommentFeedback,
    Decision,
    Item,
    Panellist,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    RoundState,
    Section,
    Study,
    Suggestion,
    utcnow,
)
from delphi.reports.remarks import Remark, by_group, study_remarks
from delphi.rounds.deadline import deadline_passed
from delphi.rounds.lifecycle import PROPOSED
from delphi.rounds.matrix import ratings_matrix

NOT_STARTED = {None, ResponseStatus.INVITED, ResponseStatus.OPENED}


@dataclass
class ResponseRate:
    """Responses of one stakeholder group (or of everyone) to a round."""

    group: str
    invited: int = 0
    submitted: int = 0
    drafts: int = 0
    not_started: int = 0

    @property
    def percent(self) -> int:
        """Submitted as a percentage of invited, rounded half up (0 when nobody was invited)."""
        if not self.invited:
            return 0
        return (200 * self.submitted + self.invited) // (2 * self.invited)

    def count(self, status: ResponseStatus | None) -> None:
        self.invited += 1
        if status is ResponseStatus.SUBMITTED:
            self.submitted += 1
        elif status is ResponseStatus.DRAFT:
            self.drafts += 1
        else:
            self.not_started += 1


@dataclass(frozen=True)
class Waiting:
    """A panellist who has not submitted the round (names stay on the staff side)."""

    pseudonym: str
    name: str
    group: str
    opened: bool  # opened the link without saving anything


@dataclass
class Progress:
    overall: ResponseRate
    groups: list[ResponseRate]
    waiting: list[Waiting]  # not started
    drafting: list[Waiting]  # started (a draft saved) but not submitted
    deadline_passed: bool  # the round's deadline is behind us (False without a deadline)
    time_left: str  # to the deadline, in words


def histogram(summary: ItemSummary, points: list[int], code: str) -> DistributionChart:
    """The engine's counts per scale point as a small chart, named by its counts in words."""
    return distribution_chart(
        summary.counts,
        points,
        CONSOLE,
        name=counts_in_words(f"Ratings of {code}", summary.counts, points),
    )


def progress(round_: Round) -> Progress:
    """Who was invited to the round, who submitted, who has a draft and who has not started.

    Counts every active panellist, and a withdrawn one whose submitted answers still count.
    """
    rows = db.session.execute(
        db.select(
            Panellist.pseudonym,
            Panellist.name,
            Panellist.group,
            Panellist.withdrawn_at,
            Panellist.erased_at,
            Response.status,
        )
        .join(
            Response,
            and_(Response.panellist_id == Panellist.id, Response.round_id == round_.id),
            isouter=True,
        )
        .where(Panellist.study_id == round_.study_id)
        .order_by(Panellist.group, Panellist.pseudonym)
    ).all()
    overall = ResponseRate(group="All panellists")
    groups: dict[str, ResponseRate] = {}
    waiting, drafting = [], []
    for pseudonym, name, group, withdrawn_at, erased_at, status in rows:
        active = withdrawn_at is None and erased_at is None
        if not active and status is not ResponseStatus.SUBMITTED:
            continue
        overall.count(status)
        groups.setdefault(group, ResponseRate(group=group)).count(status)
        if status in NOT_STARTED:
            waiting.append(
                Waiting(
                    pseudonym=pseudonym,
                    name=name or "(name erased)",
                    group=group,
                    opened=status is ResponseStatus.OPENED,
                )
            )
        elif status is ResponseStatus.DRAFT:
            drafting.append(
                Waiting(pseudonym=pseudonym, name=name or "(name erased)", group=group, opened=True)
            )
    return Progress(
        overall=overall,
        groups=list(groups.values()),
        waiting=waiting,
        drafting=drafting,
        deadline_passed=round_.closes_at is not None and round_.closes_at <= utcnow(),
        time_left=time_left(round_.closes_at),
    )


def time_left(closes_at: datetime | None, now: datetime | None = None) -> str:
    """The time to the deadline in words: "3 days 4 hours left", "deadline passed"."""
    if closes_at is None:
        return "no deadline set"
    seconds = int((closes_at - (now or utcnow())).total_seconds())
    if seconds <= 0:
        return "the deadline has passed"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} day{'s' * (days != 1)} {hours} hour{'s' * (hours != 1)} left"
    minutes = rest // 60
    return f"{hours} hour{'s' * (hours != 1)} {minutes} minute{'s' * (minutes != 1)} left"


@dataclass(frozen=True)
class ItemRow:
    """An item of a round with its statistics (live or frozen)."""

    round_item: RoundItem
    section: str
    summary: ItemSummary | None
    chart: DistributionChart | None  # None when the item has no summary


@dataclass
class Dashboard:
    round_: Round
    progress: Progress
    items: list[ItemRow]
    time_left: str
    deadline_passed: bool  # open past its deadline: answers are accepted until it is closed


def dashboard(round_: Round) -> Dashboard:
    """The open round's dashboard: response rates and the submitted ratings so far."""
    study = round_.study
    matrix = ratings_matrix(round_)
    summary = summarise(matrix.ratings, round_.recorded_settings())
    by_round_item = dict(zip(matrix.round_item_ids, summary.items, strict=True))
    rows = [
        ItemRow(
            round_item=ri,
            section=ri.section.title,
            summary=by_round_item[ri.id],
            chart=histogram(by_round_item[ri.id], study.scale_points, ri.code),
        )
        for ri in _round_items(round_)
    ]
    return Dashboard(
        round_=round_,
        progress=progress(round_),
        items=rows,
        time_left=time_left(round_.closes_at),
        deadline_passed=deadline_passed(round_),
    )


def _round_items(round_: Round) -> list[RoundItem]:
    return list(
        db.session.scalars(
            db.select(RoundItem)
            .where(RoundItem.round_id == round_.id)
            .options(joinedload(RoundItem.section), joinedload(RoundItem.item))
            .order_by(RoundItem.position, RoundItem.id)
        )
    )


@dataclass(frozen=True)
class ReviewRow(ItemRow):
    proposed: Decision | None = None
    new_wording: Item | None = None  # the item that rewords this one, once reworded
    stability: ItemStability | None = None
    comments: list[Remark] = field(default_factory=list)  # with the writers' groups
    reasons: list[Remark] = field(default_factory=list)  # for ratings outside the IQR

    @property
    def comments_by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.comments)

    @property
    def reasons_by_group(self) -> list[tuple[str, list[str]]]:
        return by_group(self.reasons)

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
    # Panellists' comments on each section, grouped by stakeholder group: (section, groups).
    section_comments: list[tuple[Section, list[tuple[str, list[str]]]]] = field(
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
    said = study_remarks(round_item.round.study, [round_item.round])[round_item.round.number]
    return ReviewRow(
        round_item=round_item,
        section=round_item.section.title,
        summary=None,
        chart=None,
        comments=said.comments.get(round_item.id, []),
        reasons=said.reasons.get(round_item.id, []),
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
    said = study_remarks(study, [round_])[round_.number]
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
                comments=said.comments.get(ri.id, []),
                reasons=said.reasons.get(ri.id, []),
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
            (section, by_group(said.sections[section.id]))
            for section in sections
            if said.sections.get(section.id)
        ],
    )
