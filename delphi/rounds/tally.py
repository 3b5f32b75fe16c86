"""The rating tally: for each item of a round, how many submitted responses gave each point of
the scale, "unable to rate" or nothing (``RatingTally``), so the open round's dashboard reads a
few thousand counts instead of counting every rating.

Every change to a round's ratings or to a response's status keeps it right in the same
transaction:

- a single response (saving or submitting answers, erasing a panellist's open response) reads
  what it added to the tally before and after the change (``answers_of``) and adds the
  difference row by row (``n = n + delta``, ``apply``), so concurrent submissions of other
  responses on PostgreSQL each add their own counts and none is lost;
- a bulk write (an import of answers) counts the round again from its ratings (``recount``),
  holding the round's row exclusively so no submission changes it meanwhile.

``recount`` is also the independent count against which the tests hold the kept one.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from delphi.extensions import db
from delphi.models import (
    Rating,
    RatingTally,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    TallyKind,
)

# One answer to one item: (round item id, kind, point; the point is 0 unless the kind is POINT).
Key = tuple[int, TallyKind, int]


def _key(round_item_id: int, value: int | None, unable: bool | None) -> Key:
    if unable:
        return (round_item_id, TallyKind.UNABLE, 0)
    if value is None:
        return (round_item_id, TallyKind.MISSING, 0)
    return (round_item_id, TallyKind.POINT, value)


def answers_of(response: Response) -> Counter[Key]:
    """What the response counts for in its round's tally as the database holds it now: one
    answer to every item of the round once submitted, nothing before."""
    if response.status is not ResponseStatus.SUBMITTED:
        return Counter()
    rows = db.session.execute(
        sa.select(RoundItem.id, Rating.value, Rating.unable)
        .select_from(RoundItem)
        .join(
            Rating,
            sa.and_(Rating.round_item_id == RoundItem.id, Rating.response_id == response.id),
            isouter=True,
        )
        .where(RoundItem.round_id == response.round_id)
    )
    return Counter(_key(*row) for row in rows)


def apply(round_id: int, before: Counter[Key], after: Counter[Key]) -> None:
    """Add ``after - before`` to the round's tally, each row by its own difference in one
    statement: rows are changed in a fixed order (so two submissions never wait on each other
    crosswise) and created when missing."""
    deltas = sorted(
        (
            (key, change)
            for key in before.keys() | after.keys()
            if (change := after[key] - before[key])
        ),
        key=lambda row: (row[0][0], row[0][1].value, row[0][2]),
    )
    if not deltas:
        return
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    insert = dialect.insert(RatingTally)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["round_id", "round_item_id", "kind", "point"],
            set_={"n": RatingTally.n + insert.excluded.n},
        ),
        [
            {"round_id": round_id, "round_item_id": ri, "kind": kind, "point": point, "n": n}
            for (ri, kind, point), n in deltas
        ],
    )


def recount(round_: Round) -> int:
    """Count the round's tally again from its ratings (after a bulk write, or to check it);
    how many of its counts (an item's responses with one answer) were not as counted now.

    Takes the round's row exclusively (PostgreSQL): a submission holds it shared while it
    writes, so none adds to the tally while it is counted.
    """
    db.session.execute(sa.select(Round.id).where(Round.id == round_.id).with_for_update())
    kept = tally(round_.id)
    db.session.execute(sa.delete(RatingTally).where(RatingTally.round_id == round_.id))
    submitted = sa.select(Response.id).where(
        Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED
    )
    kind = sa.case((Rating.unable, TallyKind.UNABLE.value), else_=TallyKind.POINT.value)
    point = sa.case((Rating.unable, 0), else_=Rating.value)
    columns = ["round_id", "round_item_id", "kind", "point", "n"]
    db.session.execute(
        sa.insert(RatingTally).from_select(
            columns,
            sa.select(sa.literal(round_.id), Rating.round_item_id, kind, point, sa.func.count())
            .where(
                Rating.response_id.in_(submitted.scalar_subquery()),
                sa.or_(Rating.unable, Rating.value.is_not(None)),
            )
            .group_by(Rating.round_item_id, Rating.unable, Rating.value),
        )
    )
    answered = (
        sa.select(sa.func.coalesce(sa.func.sum(RatingTally.n), 0))
        .where(RatingTally.round_id == round_.id, RatingTally.round_item_id == RoundItem.id)
        .scalar_subquery()
    )
    how_many = sa.select(sa.func.count()).select_from(submitted.subquery()).scalar_subquery()
    db.session.execute(
        sa.insert(RatingTally).from_select(
            columns,
            sa.select(
                RoundItem.round_id,
                RoundItem.id,
                sa.literal(TallyKind.MISSING.value),
                sa.literal(0),
                how_many - answered,
            ).where(RoundItem.round_id == round_.id),
        )
    )
    counted = tally(round_.id)
    return sum(1 for key in kept.keys() | counted.keys() if kept[key] != counted[key])


def tally(round_id: int) -> Counter[Key]:
    """The round's tally as stored (rows of zero left out)."""
    rows = db.session.execute(
        sa.select(
            RatingTally.round_item_id, RatingTally.kind, RatingTally.point, RatingTally.n
        ).where(RatingTally.round_id == round_id, RatingTally.n != 0)
    )
    return Counter({(ri, kind, point): n for ri, kind, point, n in rows})
