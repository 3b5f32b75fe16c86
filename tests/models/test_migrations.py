"""The Alembic migrations build the models' schema exactly, and downgrade to nothing."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade


def _drift(db) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(db) -> set[str]:
    with db.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def test_the_migrated_schema_matches_the_models(app, db):
    # The session's database was built from empty by the migrations (see tests/conftest.py).
    assert _drift(db) == []


def test_downgrade_to_base_and_upgrade_again(app, db):
    db.session.remove()
    downgrade(revision="base")
    assert _tables(db) <= {"alembic_version"}
    upgrade()
    assert {t.name for t in db.metadata.sorted_tables} <= _tables(db)
    assert _drift(db) == []
