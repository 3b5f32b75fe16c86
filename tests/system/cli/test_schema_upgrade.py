"""Upgrading a database that holds a study keeps every row.

On SQLite, a migration that changes a table copies it into a new one and drops the old; with
foreign keys enforced, that drop deleted every row referring to the table (rounds, panel,
ratings) through ON DELETE CASCADE. The migrations run with foreign keys off and check them
afterwards, through the same commands users run.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

FLASK = Path(sys.executable).with_name("flask")
COUNTED = ("study", "round", "round_item", "panellist", "response", "rating")


def _counts(db) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                for table in COUNTED}


def test_downgrading_and_upgrading_a_database_with_a_study_keeps_its_rows(delphi, db, tmp_path):
    assert delphi("demo").returncode == 0
    before = _counts(db)
    assert before["rating"] > 1000 and before["round"] == 2  # the demo's two rounds

    # Back to before the protocol fields (0012 rebuilds the study table on SQLite), as
    # `flask db downgrade` does it, then forward again as `delphi init` does on an upgrade.
    env = delphi.env
    db.session.remove()
    down = subprocess.run([str(FLASK), "--app", "delphi:create_app", "db", "downgrade", "0011"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert down.returncode == 0, down.stderr
    assert _counts(db) == before
    up = delphi("init")
    assert up.returncode == 0, up.stderr
    assert _counts(db) == before
