"""Emptying the test database between tests, quickly, keeping its schema; copying its rows
to put them back into the empty tables later."""
from __future__ import annotations

import sqlalchemy as sa

from delphi.extensions import db

# On PostgreSQL, TRUNCATE makes new files for every table and index and waits for them on disk:
# most of a second per test on a loaded machine, though most tests write to a few tables. One
# block that deletes the rows (children first) and restarts each sequence that was used leaves
# the same empty tables and ids from 1, in a few milliseconds, and writes nothing when the test
# wrote nothing.
_POSTGRESQL = """
DO $$
DECLARE
    name text;
    used record;
BEGIN
    FOREACH name IN ARRAY string_to_array('{tables}', ',') LOOP
        EXECUTE format('DELETE FROM %I', name);
    END LOOP;
    FOR used IN SELECT format('%I.%I', schemaname, sequencename) AS sequence, start_value
                FROM pg_sequences
                WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
        PERFORM setval(used.sequence, used.start_value, false);
    END LOOP;
END $$
"""


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row of the app's tables; ids start again from 1 (as after TRUNCATE ...
    RESTART IDENTITY on PostgreSQL, and as SQLite reuses them)."""
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ",".join(table.name for table in tables)
            conn.execute(sa.text(_POSTGRESQL.format(tables=names)))
        else:
            for table in tables:
                conn.execute(table.delete())


def copy_rows(engine: sa.Engine) -> dict[str, list[dict]]:
    """Every row of the app's tables in the order of their keys (an item reworded from another
    comes after it), to put back later with ``put_rows``."""
    with engine.connect() as conn:
        return {table.name: [dict(row) for row in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).mappings()]
                for table in db.metadata.sorted_tables}


def put_rows(engine: sa.Engine, rows: dict[str, list[dict]]) -> None:
    """Insert rows taken by ``copy_rows`` into the empty tables, ids and all; on PostgreSQL each
    sequence then continues after the largest id, as after the inserts that first made them."""
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
                counter = table.autoincrement_column
                if conn.dialect.name == "postgresql" and counter is not None:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{counter.name}'),"
                        f" (SELECT max({counter.name}) FROM {table.name}))"))
