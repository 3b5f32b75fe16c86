"""View-models of the console's round pages: the open round's dashboard (the review of a closed
round is in ``review_page``).

Each builder runs a fixed number of SQL statements whatever the number of items, panellists or
suggestions: response rates are counted per group and status in the database, only the first
names of those who have not submitted are listed, and the ratings so far are read from the
rating tally kept with every change to the ratings (``live_counts``). Every statistic comes
from the consensus engine; ``delphi.charts`` places the histograms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.orm import joinedload

from delphi.charts import CONSOLE, DistributionChart, counts_in_words, distribution_chart
from delphi.consensus import ItemSummary
from delphi.extensions import db
from delphi.models import (
    Panellist,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    utcnow,
)
from delphi.rounds.deadline import deadline_passed
from delphi.rounds.live_counts import live_summary

NAMES_SHOWN = 50  # of those not started, and of those with a draft; the Panel page lists all


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

    def count(self, status: ResponseStatus | None, panellists: int = 1) -> None:
        self.invited += panellists
        if status is ResponseStatus.SUBMITTED:
            self.submitted += panellists
        elif status is ResponseStatus.DRAFT:
            self.drafts += panellists
        else:
            self.not_started += panellists


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
    waiting: list[Waiting]  # not started: the first NAMES_SHOWN by group and pseudonym
    drafting: list[Waiting]  # started (a draft saved) but not submitted: likewise
    deadline_passed: bool  # the round's deadline is behind us (False without a deadline)
    time_left: str  # to the deadline, in words

    @property
    def more_waiting(self) -> int:
        """Panellists not started beyond those named."""
        return self.overall.not_started - len(self.waiting)

    @property
    def more_drafting(self) -> int:
        """Panellists with a draft beyond those named."""
        return self.overall.drafts - len(self.drafting)


def histogram(summary: ItemSummary, points: list[int], code: str) -> DistributionChart:
    """The engine's counts per scale point as a small chart, named by its counts in words."""
    return distribution_chart(
        summary.counts,
        points,
        CONSOLE,
        name=counts_in_words(f"Ratings of {code}", summary.counts, points),
    )


_ACTIVE = and_(Panellist.withdrawn_at.is_(None), Panellist.erased_at.is_(None))


def _invited(round_: Round):
    """Panellists of the round's study with their response's status (None without one)."""
    return (
        db.select(Panellist.group, Response.status)
        .select_from(Panellist)
        .join(
            Response,
            and_(Response.panellist_id == Panellist.id, Response.round_id == round_.id),
            isouter=True,
        )
        .where(Panellist.study_id == round_.study_id)
    )


def _not_submitted(round_: Round, which: ColumnElement[bool]) -> list[Waiting]:
    """The first NAMES_SHOWN active panellists whose response matches ``which``."""
    rows = db.session.execute(
        _invited(round_)
        .add_columns(Panellist.pseudonym, Panellist.name)
        .where(_ACTIVE, which)
        .order_by(Panellist.group, Panellist.pseudonym)
        .limit(NAMES_SHOWN)
    )
    return [
        Waiting(
            pseudonym=pseudonym,
            name=name or "(name erased)",
            group=group,
            opened=status in (ResponseStatus.OPENED, ResponseStatus.DRAFT),
        )
        for group, status, pseudonym, name in rows
    ]


def progress(round_: Round) -> Progress:
    """Who was invited to the round, who submitted, who has a draft and who has not started.

    Counts every active panellist, and a withdrawn one whose submitted answers still count.
    """
    counted = db.session.execute(
        _invited(round_)
        .add_columns(func.count())
        .where(or_(_ACTIVE, Response.status == ResponseStatus.SUBMITTED))
        .group_by(Panellist.group, Response.status)
        .order_by(Panellist.group)
    )
    overall = ResponseRate(group="All panellists")
    groups: dict[str, ResponseRate] = {}
    for group, status, panellists in counted:
        overall.count(status, panellists)
        groups.setdefault(group, ResponseRate(group=group)).count(status, panellists)
    not_started = or_(
        Response.status.is_(None),
        Response.status.in_([ResponseStatus.INVITED, ResponseStatus.OPENED]),
    )
    return Progress(
        overall=overall,
        groups=list(groups.values()),
        waiting=_not_submitted(round_, not_started),
        drafting=_not_submitted(round_, Response.status == ResponseStatus.DRAFT),
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
    round_items = _round_items(round_)
    by_round_item = live_summary(round_, [ri.id for ri in round_items])
    rows = [
        ItemRow(
            round_item=ri,
            section=ri.section.title,
            summary=by_round_item[ri.id],
            chart=histogram(by_round_item[ri.id], study.scale_points, ri.code),
        )
        for ri in round_items
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
