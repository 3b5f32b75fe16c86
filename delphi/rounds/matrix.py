"""Building a round's ratings matrix for the consensus engine."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
from sqlalchemy import Select, case, func, select

from delphi.collector import collector_paused
from delphi.consensus import MISSING, UNABLE
from delphi.extensions import db
from delphi.models import Panellist, Rating, Response, ResponseStatus, Round, RoundItem


@dataclass
class RatingsMatrix:
    """Submitted ratings of a round: one row per panellist, one column per round item."""

    ratings: np.ndarray  # int16; a scale point, MISSING or UNABLE
    panellist_ids: list[int]
    groups: list[str]
    round_item_ids: list[int]
    item_ids: list[int]

    @property
    def row_of(self) -> dict[int, int]:
        return {pid: i for i, pid in enumerate(self.panellist_ids)}


# Rows read from the database cursor at a time: enough to keep numpy busy, few enough that the
# Python tuples never dominate memory.
CHUNK = 50_000


def ratings_statement(round_id: int) -> Select:
    """The round's submitted ratings as (panellist id, round item id, value) rows.

    The value column already holds the matrix code: a scale point, UNABLE or MISSING.
    """
    value = case((Rating.unable, UNABLE), else_=func.coalesce(Rating.value, MISSING))
    return (
        select(Response.panellist_id, Rating.round_item_id, value)
        .join(Rating, Rating.response_id == Response.id)
        .where(Response.round_id == round_id, Response.status == ResponseStatus.SUBMITTED)
    )


def ratings_matrix(round_: Round) -> RatingsMatrix:
    """Read the round's submitted ratings in one statement (plus one each for items and panel).

    The ratings are taken from the database cursor as plain tuples, in chunks, and placed into
    the matrix with numpy: building a SQLAlchemy row object per rating would cost several times
    the query itself on a round of a million ratings.
    """
    items = db.session.execute(
        select(RoundItem.id, RoundItem.item_id)
        .where(RoundItem.round_id == round_.id)
        .order_by(RoundItem.position, RoundItem.id)
    ).all()
    # A row per panellist, read on the session's connection as plain rows, without the ORM's
    # loading of each row; the items' query above has flushed anything pending.
    panellists = (
        db.session.connection()
        .execute(
            select(Panellist.id, Panellist.group)
            .join(Response, Response.panellist_id == Panellist.id)
            .where(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
            .order_by(Panellist.id)
        )
        .all()
    )

    panellist_ids = np.array([pid for pid, _ in panellists], dtype=np.int64)  # ascending
    round_item_ids = np.array([rid for rid, _ in items], dtype=np.int64)
    item_order = np.argsort(round_item_ids)
    sorted_item_ids = round_item_ids[item_order]
    matrix = np.full((len(panellists), len(items)), MISSING, dtype=np.int16)

    result = db.session.connection().execute(ratings_statement(round_.id))
    try:
        with collector_paused():
            while chunk := result.cursor.fetchmany(CHUNK):
                flat = np.fromiter(chain.from_iterable(chunk), dtype=np.int64, count=3 * len(chunk))
                place(matrix, flat.reshape(-1, 3), panellist_ids, sorted_item_ids, item_order)
    finally:
        result.close()
    return RatingsMatrix(
        ratings=matrix,
        panellist_ids=[p for p, _ in panellists],
        groups=[g for _, g in panellists],
        round_item_ids=[rid for rid, _ in items],
        item_ids=[iid for _, iid in items],
    )


def place(
    matrix: np.ndarray,
    rows: np.ndarray,
    panellist_ids: np.ndarray,
    sorted_item_ids: np.ndarray,
    item_order: np.ndarray,
) -> None:
    """Put (panellist id, round item id, value) ``rows`` into ``matrix``.

    Rows of a panellist not among ``panellist_ids`` are left out: while a round is open (the
    live dashboard) a panellist may submit between the query that lists who submitted and the
    one that reads the ratings, and the matrix holds those listed. A closing round is locked,
    so nothing is left out there.
    """
    row = np.searchsorted(panellist_ids, rows[:, 0])
    column = np.searchsorted(sorted_item_ids, rows[:, 1])
    known = (row < len(panellist_ids)) & (column < len(sorted_item_ids))
    known[known] = (panellist_ids[row[known]] == rows[known, 0]) & (
        sorted_item_ids[column[known]] == rows[known, 1]
    )
    if not known.all():
        row, column, rows = row[known], column[known], rows[known]
    matrix[row, item_order[column]] = rows[:, 2]
