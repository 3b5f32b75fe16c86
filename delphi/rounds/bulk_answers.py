"""Writing many panellists' answers at once, as the database's bulk paths allow.

An import of paper responses can hold hundreds of thousands of answers: an object per answer
would take minutes and hundreds of megabytes, so the checked answers are kept as plain tuples
(``AnswerRows``) and written in one pass by the database's own bulk path (COPY on PostgreSQL,
one prepared INSERT run over every row on SQLite), each row made as it is written. The caller
has checked every answer and holds the locks.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Rating, Response, ResponseStatus, Round, utcnow

# Rows per statement when responses and ratings are read or changed by id.
_CHUNK = 900
_RATING_COLUMNS = ("response_id", "round_item_id", "value", "unable", "comment")


class AnswerRows:
    """Checked answers, one tuple each: (panellist id, round item id, value or None, unable,
    comment or None)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int, int | None, bool, str | None]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def panellist_ids(self) -> list[int]:
        """The panellists who answered, in the order of their first answer."""
        return list(dict.fromkeys(row[0] for row in self.rows))

    def rating_rows(self, response_of: dict[int, int]) -> Iterator[tuple]:
        """Rating rows: (response id, round item id, value, unable, comment)."""
        return (
            (response_of[panellist_id], round_item_id, value, unable, comment)
            for panellist_id, round_item_id, value, unable, comment in self.rows
        )


def store_submitted(round_: Round, answers: AnswerRows, existing: set[int]) -> None:
    """Mark each panellist's response submitted (creating it where ``existing``, the panellists
    who have a response, lacks them) and replace their earlier answers to the same items."""
    now = utcnow()
    panellists = answers.panellist_ids()
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
    _insert_ratings(answers.rating_rows(response_of))
    _refresh_statistics()
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
        for pid, round_item_id, *_ in answers.rows
        if (rating_id := earlier.get((response_of[pid], round_item_id))) is not None
    ]
    for chunk in _chunks(doomed):
        db.session.execute(
            sa.delete(Rating).where(Rating.id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )


def _insert_ratings(rows: Iterator[tuple]) -> None:
    """Insert the rating rows by the database's own bulk path, in the session's transaction."""
    connection = db.session.connection()
    columns = ", ".join(_RATING_COLUMNS)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY rating ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:  # sqlite3 reads the rows as they are made: no second list of 400,000 rows
            insert = f"INSERT INTO rating ({columns}) VALUES (?, ?, ?, ?, ?)"
            cursor.executemany(insert, rows)  # type: ignore[arg-type]
    finally:
        cursor.close()


def _refresh_statistics() -> None:
    """Let PostgreSQL's planner see the rows just written (it counts the transaction's own rows):
    planned for the tables as they were, a query over the round's ratings in this transaction,
    such as the tally's recount, can join row by row and take minutes for a large file."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE response, rating")


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK)]
