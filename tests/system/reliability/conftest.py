"""Fixtures for the reliability tests: an open round to write into, and restoring backups."""
from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from delphi.backup import postgresql_environment
from delphi.rounds.lifecycle import open_round


def expected_value(panellist_number: int, item_position: int) -> int:
    """The rating panellist ``k`` gives the item at ``position``: a fixed pattern over 1..9,
    so a test knows every value without asking the code under test."""
    return (panellist_number * 7 + item_position * 3) % 9 + 1


@pytest.fixture
def open_study(db, make_study, make_panel):
    """A committed study with ``n`` panellists and round 1 open; returns (study, panel, round)."""

    def make(n: int = 6, slug: str = "reliable", sections: int = 2, items_per_section: int = 3):
        study = make_study(slug=slug, sections=sections, items_per_section=items_per_section)
        panel = make_panel(study, n=n)
        round_ = open_round(study)
        db.session.commit()
        return study, panel, round_

    return make


@contextmanager
def restored_postgresql(dump: Path, url: str) -> Iterator[sa.Engine]:
    """Restore a ``pg_dump`` file into a fresh database next to ``url``; dropped afterwards."""
    server = sa.make_url(url)
    name = f"{server.database}_restore_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    target = server.set(database=name)
    engine = sa.create_engine(target)
    try:
        result = subprocess.run(
            [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--exit-on-error",
             f"--dbname={name}", str(dump)],
            env=postgresql_environment(target), capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def restored(copy: Path, url: str) -> Iterator[sa.Engine]:
    """An engine on the restored copy of a backup of the database at ``url``."""
    if sa.make_url(url).get_backend_name() == "sqlite":
        engine = sa.create_engine(f"sqlite:///{copy}")
        try:
            yield engine
        finally:
            engine.dispose()
    else:
        with restored_postgresql(copy, url) as engine:
            yield engine
