"""Writing many panellists' answers at once, as the database's bulk paths allow.

An import of paper responses can hold hundreds of thousands of answers: an object per answer
would take minutes and hundreds of megabytes, so the checked answers are kept as columns of
machine numbers (``AnswerRows``) and written as rows, a batch at a time (COPY on PostgreSQL, one
prepared INSERT run over each batch on SQLite). The caller has checked every answer and holds
the locks.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Rating, Response, ResponseStatus, Round, utcnow

# Rows per statement when responses and ratings are read or changed by id.
_CHUNK = 900
# Rating rows built and written at a time.
_BATCH = 20_000
_RATING_COLUMNS = ("response_id", "round_item_id", "value", "unable", "comment")
_NO_VALUE = -1


class AnswerRows:
    """Checked answers as columns: panellist, round item, value (or none), unable, comment."""

    def __init__(self) -> None:
        self.panellist_ids = array("q")
        self.round_item_ids = array("q")
        self.values = array("l")
        self.unable = bytearray()
        self.comments: dict[int, str] = {}  # by row number; most answers have none
        self.answers_of: dict[int, int] = {}  # how many answers each panellist gave

    def add(
        self, panellist_id: int, round_item_id: int, value: int | None, unable: bool, comment: str
    ) -> None:
        if comment:
            self.comments[len(self.panellist_ids)] = comment
        self.panellist_ids.append(panellist_id)
        self.round_item_ids.append(round_item_id)
        self.values.append(_NO_VALUE if value is None else value)
        self.unable.append(unable)
        self.answers_of[panellist_id] = self.answers_of.get(panellist_id, 0) + 1

    def __len__(self) -> int:
        return len(self.panellist_ids)

    def rows(self, response_of: dict[int, int]) -> Iterator[list[tuple]]:
        """Rating rows in batches: (response id, round item id, value, unable, comment)."""
        for start in range(0, len(self), _BATCH):
            yield [
                (
                    response_of[self.panellist_ids[row]],
                    self.round_item_ids[row],
                    None if self.values[row] == _NO_VALUE else self.values[row],
                    bool(self.unable[row]),
                    self.comments.get(row),
                )
                for row in range(start, min(start + _BATCH, len(self)))
            ]


def store_submitted(round_: Round, answers: AnswerRows, existing: set[int]) -> None:
    """Mark each panellist's response submitted (creating it where ``existing``, the panellists
    who have a response, lacks them) and replace their earlier answers to the same items."""
    now = utcnow()
    panellists = list(answers.answers_of)
    new = [pid for pid in panellists if pid not in existing]
    if new:
        db.session.execute(
            sa.insert(Response),
            [
                {
                    "round_id": round_.id,
                    "panellist_id": pid,
                    "status": ResponseStatus.SUBMITTED,
                    "opened_at": now,
                    "saved_at": now,
                    "submitted_at": now,
                    "imported": True,
                }
                for pid in new
            ],
        )
    updated = [pid for pid in panellists if pid in existing]
    for chunk in _chunks(updated):
        db.session.execute(
            sa.update(Response)
            .where(Response.round_id == round_.id, Response.panellist_id.in_(chunk))
            .values(
                status=ResponseStatus.SUBMITTED,
                opened_at=sa.func.coalesce(Response.opened_at, now),
                saved_at=now,
                submitted_at=now,
                imported=True,
            ),
            execution_options={"synchronize_session": False},
        )
    response_of = dict(
        db.session.execute(
            sa.select(Response.panellist_id, Response.id).where(Response.round_id == round_.id)
        ).all()
    )
    _delete_replaced(answers, response_of, [response_of[pid] for pid in updated])
    for batch in answers.rows(response_of):
        _insert_ratings(batch)
    db.session.expire_all()  # the session's objects no longer show what the database holds


def _delete_replaced(answers: AnswerRows, response_of: dict[int, int], response_ids: list[int]):
    """Delete the earlier answers of these responses to the items the new answers are for."""
    earlier = {
        (response_id, round_item_id): rating_id
        for chunk in _chunks(response_ids)
        for rating_id, response_id, round_item_id in db.session.execute(
            sa.select(Rating.id, Rating.response_id, Rating.round_item_id).where(
                Rating.response_id.in_(chunk)
            )
        )
    }
    if not earlier:
        return
    doomed = [
        rating_id
        for pid, round_item_id in zip(answers.panellist_ids, answers.round_item_ids, strict=True)
        if (rating_id := earlier.get((response_of[pid], round_item_id))) is not None
    ]
    for chunk in _chunks(doomed):
        db.session.execute(
            sa.delete(Rating).where(Rating.id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )


def _insert_ratings(rows: list[tuple]) -> None:
    """Insert the rating rows by the database's own bulk path."""
    connection = db.session.connection()
    columns = ", ".join(_RATING_COLUMNS)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY rating ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        connection.exec_driver_sql(f"INSERT INTO rating ({columns}) VALUES (?, ?, ?, ?, ?)", rows)


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK)]
