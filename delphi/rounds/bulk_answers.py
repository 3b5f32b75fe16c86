"""Writing many panellists' answers at once, as the database's bulk paths allow.

An import of paper responses can hold hundreds of thousands of answers: an object per answer
would take minutes and hundreds of megabytes, so the checked answers are kept in compact
columns (``AnswerRows``: a machine number per cell, a comment only where one was given) and
written in one pass by the database's own bulk path (COPY on PostgreSQL, one prepared INSERT
run over every row on SQLite), each row made as it is written. The caller has checked every
answer and holds the locks.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from itertools import repeat

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Rating, Response, ResponseStatus, Round, utcnow

# Rows per statement when responses and ratings are read or changed by id.
_CHUNK = 900
_RATING_COLUMNS = ("response_id", "round_item_id", "value", "unable", "comment")


# The value column's mark for an answer without a value (unable to rate, or a comment alone):
# outside every scale, whose bounds have at most nine digits.
NO_VALUE = -(2**31)
_NONE_FOR_NO_VALUE = {NO_VALUE: None}
_BOOLEANS = (False, True)


class AnswerRows:
    """Checked answers, a column each: the file's line, panellist id, round item id, value
    (``NO_VALUE`` for none), unable (0 or 1); the comments by row index, where one was given.

    Machine numbers in arrays take 25 bytes an answer, against about 90 for a tuple per answer.
    """

    def __init__(self) -> None:
        self.line = array("I")
        self.panellist = array("q")
        self.round_item = array("q")
        self.value = array("i")
        self.unable = array("b")
        self.comments: dict[int, str] = {}

    def add(
        self,
        line: int,
        panellist_id: int,
        round_item_id: int,
        value: int | None,
        unable: bool,
        comment: str,
    ) -> None:
        """One answer; an empty ``comment`` is none."""
        if comment:
            self.comments[len(self.panellist)] = comment
        self.line.append(line)
        self.panellist.append(panellist_id)
        self.round_item.append(round_item_id)
        self.value.append(NO_VALUE if value is None else value)
        self.unable.append(unable)

    def appenders(self) -> tuple[Callable[[int], None], ...]:
        """Each column's append, in the order of ``add``'s arguments up to the comment, for a
        caller adding many answers without comments."""
        return (
            self.line.append,
            self.panellist.append,
            self.round_item.append,
            self.value.append,
            self.unable.append,
        )

    def __len__(self) -> int:
        return len(self.panellist)

    def panellist_ids(self) -> list[int]:
        """The panellists who answered, in the order of their first answer."""
        return list(dict.fromkeys(self.panellist))

    def rating_rows(self, response_of: dict[int, int]) -> Iterator[tuple]:
        """Rating rows: (response id, round item id, value or None, unable, comment or None),
        each made as it is read."""
        comments = self.comments
        return zip(  # noqa: B905 (the columns have one length)
            map(response_of.__getitem__, self.panellist),
            self.round_item,
            # The value itself, or None for the mark: dict.get(value, default=value).
            map(_NONE_FOR_NO_VALUE.get, self.value, self.value),
            map(_BOOLEANS.__getitem__, self.unable),
            map(comments.get, range(len(self))) if comments else repeat(None, len(self)),
        )


class AnsweredItems:
    """Which items each panellist has answered so far, a byte per item (by its position among
    ``item_ids``), and the line of the row that answered it, looked up only when a row repeats
    an answer: a file holds one answer per panellist and item."""

    def __init__(self, answers: AnswerRows, item_ids: list[int]) -> None:
        self.answers, self.item_ids = answers, item_ids
        self.seen: dict[int, bytearray] = {}
        # (panellist id << 32 | round item id): line, for the rows answering an item but refused
        self.refused: dict[int, int] = {}
        self.first_line: dict[int, int] = {}  # the same for ``answers``, once a row repeats one
        self.indexed = 0  # how many of ``answers`` ``first_line`` holds

    def of(self, panellist_id: int) -> bytearray:
        """The panellist's answered items: 1 at each answered item's position."""
        seen = self.seen.get(panellist_id)
        if seen is None:
            seen = self.seen[panellist_id] = bytearray(len(self.item_ids))
        return seen

    def refuse(self, panellist_id: int, position: int, line: int) -> None:
        """The panellist's row for the item on ``line`` was refused (it still answers it)."""
        self.refused[panellist_id << 32 | self.item_ids[position]] = line

    def claim(self, panellist_id: int, position: int, line: int) -> int:
        """Mark the item answered on ``line``: the line of the row that answered it first."""
        seen = self.of(panellist_id)
        if not seen[position]:
            seen[position] = 1
            return line
        key = panellist_id << 32 | self.item_ids[position]
        if key in self.refused:
            return self.refused[key]
        answers, first_line = self.answers, self.first_line
        for row in range(self.indexed, len(answers)):
            first_line[answers.panellist[row] << 32 | answers.round_item[row]] = answers.line[row]
        self.indexed = len(answers)
        return first_line[key]


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
        for pid, round_item_id in zip(answers.panellist, answers.round_item, strict=True)
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
