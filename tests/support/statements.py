"""Counting the SQL statements the app's engine runs: the tests' ``count_queries`` fixture and
``make bench`` (bench/statements.py) use this one counter."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from delphi.extensions import db


@contextmanager
def counting() -> list[str]:
    """Collect every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
