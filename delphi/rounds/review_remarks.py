"""What panellists wrote in a round, as the review page shows it: for each item (its comments,
and its reasons for ratings outside the IQR) and each section, the first remarks in reading
order and how many there are in all.

The same rules as the reports' remarks (``delphi.reports.remarks``): submitted answers only,
each remark under its writer's stakeholder group, or "another group" when that group had fewer
submitted responses in the round than the study's minimum; ordered by group ("another group"
last), then text, so that the order says nothing about who wrote what. The database picks and
counts them (a window per item or section), so a round of 20,000 panellists sends the page a
few dozen remarks per item, not every one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import (
    FrozenRemarks,
    Panellist,
    Rating,
    Response,
    ResponseStatus,
    Round,
    SectionComment,
)
from delphi.models.rounds import REMARKS_WRITTEN
from delphi.reports.remarks import ANOTHER_GROUP, Remark
from delphi.rounds.kept import kept

REMARKS_SHOWN = 25  # per item's comments, per item's reasons and per section, on the review
REMARKS_BESIDE_WORDING = 500  # per item's comments and reasons, on its rewording page


@dataclass(frozen=True)
class Remarks:
    """The first remarks about one item or section, in reading order, and how many in all."""

    shown: list[Remark] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def _reading_order(remark: Remark) -> tuple:
    return (remark.group == ANOTHER_GROUP, remark.group.casefold(), remark.text.casefold())


class RoundRemarks:
    """Reads what the panellists of one closed round wrote: one statement for the groups'
    sizes, one for the items' comments and reasons, one for the sections' comments."""

    def __init__(self, round_: Round, min_group_size: int):
        self.round_ = round_
        self.submitted = (
            sa.select(Response.id, Panellist.group)
            .join(Panellist, Response.panellist_id == Panellist.id)
            .where(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
            .subquery()
        )
        groups = db.session.execute(
            sa.select(
                self.submitted.c.group, sa.func.count(), sa.func.sum(self.submitted.c.id)
            ).group_by(self.submitted.c.group)
        ).all()
        # Which responses are in which group: changes when a panellist moves to another group.
        self.groups = tuple(sorted((group or "", size, ids) for group, size, ids in groups))
        self.shown_groups = {
            group for group, size, _ in groups if group is not None and size >= min_group_size
        }

    def _label(self, group: str | None) -> str:
        return group if group is not None and group in self.shown_groups else ANOTHER_GROUP

    def _first(
        self, written: sa.CTE, kinds: tuple[str, ...], only: int | None, limit: int | None
    ) -> dict[str, dict[int, Remarks]]:
        """The first ``limit`` remarks (all without a limit) of each key of ``written`` (its
        columns: key, group, then one text column per kind), for every key or ``only`` one."""
        group = written.c.group
        another = sa.case(
            (sa.or_(group.is_(None), group.not_in(sorted(self.shown_groups))), 1), else_=0
        )
        ranked = []
        for kind in kinds:
            text = written.c[kind]
            chosen = sa.select(
                sa.literal(kind).label("kind"),
                written.c.key,
                group,
                text.label("text"),
                sa.func.row_number()
                .over(
                    partition_by=written.c.key,
                    order_by=(another, sa.func.lower(group), sa.func.lower(text)),
                )
                .label("place"),
                sa.func.count().over(partition_by=written.c.key).label("total"),
            ).where(text != "")
            ranked.append(chosen if only is None else chosen.where(written.c.key == only))
        rows = sa.union_all(*ranked).subquery()
        picked = sa.select(rows.c.kind, rows.c.key, rows.c.group, rows.c.text, rows.c.total)
        if limit is not None:
            picked = picked.where(rows.c.place <= limit)
        found: dict[tuple[str, int], list[Remark]] = defaultdict(list)
        totals: dict[tuple[str, int], int] = {}
        for kind, key, found_group, text, total in db.session.execute(picked):
            found[(kind, key)].append(Remark(self._label(found_group), text.strip()))
            totals[(kind, key)] = total
        result: dict[str, dict[int, Remarks]] = {kind: {} for kind in kinds}
        for (kind, key), remarks in found.items():
            result[kind][key] = Remarks(sorted(remarks, key=_reading_order), totals[(kind, key)])
        return result

    def items(
        self, *, only: int | None = None, limit: int | None = REMARKS_SHOWN
    ) -> tuple[dict[int, Remarks], dict[int, Remarks]]:
        """Comments on items and reasons given for ratings outside the IQR, by round item id
        (one reading of the ratings for both)."""
        # Answers are stored trimmed, empty as NULL; the test written as the partial index
        # ix_rating_remarks states it lets the planner read only the ratings with a remark.
        written = (
            sa.select(
                Rating.round_item_id.label("key"),
                self.submitted.c.group,
                sa.func.coalesce(Rating.comment, "").label("comment"),
                sa.func.coalesce(Rating.reason, "").label("reason"),
            )
            .select_from(self.submitted)
            .join(Rating, Rating.response_id == self.submitted.c.id)
            .where(sa.text(REMARKS_WRITTEN))
        )
        if only is not None:
            written = written.where(Rating.round_item_id == only)
        found = self._first(written.cte("item_remarks"), ("comment", "reason"), only, limit)
        return found["comment"], found["reason"]

    def sections(self, *, limit: int | None = REMARKS_SHOWN) -> dict[int, Remarks]:
        """Comments on sections, by section id."""
        written = (
            sa.select(
                SectionComment.section_id.label("key"),
                self.submitted.c.group,
                SectionComment.comment.label("comment"),
            )
            .select_from(self.submitted)
            .join(SectionComment, SectionComment.response_id == self.submitted.c.id)
            .where(SectionComment.comment != "")
        )
        return self._first(written.cte("section_remarks"), ("comment",), None, limit)["comment"]


@dataclass(frozen=True)
class ReviewRemarks:
    """The first remarks of every item and section of a round, as the review shows them."""

    comments: dict[int, Remarks]  # by round item id
    reasons: dict[int, Remarks]  # by round item id
    sections: dict[int, Remarks]  # by section id


def _key(round_: Round, min_group_size: int, remarks: RoundRemarks) -> str:
    """What the remarks shown depend on, in words the database can store."""
    closed_at = round_.closed_at.isoformat() if round_.closed_at else None
    return json.dumps([closed_at, round_.revision, min_group_size, remarks.groups])


def _read(remarks: RoundRemarks) -> ReviewRemarks:
    comments, reasons = remarks.items()
    return ReviewRemarks(comments, reasons, remarks.sections())


def _stored(found: ReviewRemarks) -> dict:
    return {
        kind: {
            str(key): [said.total, [[r.group, r.text] for r in said.shown]]
            for key, said in getattr(found, kind).items()
        }
        for kind in ("comments", "reasons", "sections")
    }


def _unstored(stored: dict) -> ReviewRemarks:
    kinds = {
        kind: {
            int(key): Remarks([Remark(group, text) for group, text in shown], total)
            for key, (total, shown) in stored[kind].items()
        }
        for kind in ("comments", "reasons", "sections")
    }
    return ReviewRemarks(kinds["comments"], kinds["reasons"], kinds["sections"])


def freeze_remarks(round_: Round) -> None:
    """Store the review's remarks of a round as it closes (and again when an erasure blanks
    some), so the first visit to its review reads them in one row."""
    min_group_size = round_.study.min_group_size
    remarks = RoundRemarks(round_, min_group_size)
    db.session.merge(
        FrozenRemarks(
            round_id=round_.id,
            key=_key(round_, min_group_size, remarks),
            remarks=_stored(_read(remarks)),
        )
    )


def review_remarks(round_: Round, min_group_size: int) -> ReviewRemarks:
    """The review's remarks of a closed round: those stored when it closed, unless an erasure
    blanked some since (it raises the round's revision), the smallest group shown changed or a
    panellist moved to another group, when they are read again. Kept by the app under the same
    key: one statement when kept, two when stored, four when read."""
    remarks = RoundRemarks(round_, min_group_size)
    key = _key(round_, min_group_size, remarks)

    def read() -> ReviewRemarks:
        stored = db.session.scalar(
            sa.select(FrozenRemarks.remarks).where(
                FrozenRemarks.round_id == round_.id, FrozenRemarks.key == key
            )
        )
        return _read(remarks) if stored is None else _unstored(stored)

    return kept("review_remarks").get(round_.id, key, read)
