"""Helpers for the foundation tests: files written to a temp folder, the CLI, row counts."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

STUDY_FILE = Path(__file__).parent / "study.toml"


@pytest.fixture
def write_file(tmp_path) -> Callable[[str, str | bytes], str]:
    """Write text (as UTF-8) or bytes to a file in the test's temp folder; return its path."""

    def write(name: str, content: str | bytes) -> str:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return str(path)

    return write


@pytest.fixture
def cli(runner):
    """Run ``delphi ...`` through the app's CLI runner: ``cli("round", "open", "slug")``."""

    def invoke(*args: str):
        return runner.invoke(args=["delphi", *args])

    return invoke


@pytest.fixture
def row_counts(db) -> Callable[[], dict[str, int]]:
    """The number of rows in every table, to check that a failed command changed nothing."""

    def counts() -> dict[str, int]:
        db.session.rollback()
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }

    return counts


@pytest.fixture
def imported_study(cli, write_file):
    """Create the test study through ``delphi study import`` and return its slug."""

    def create(slug: str = "test-guidance", toml: str | None = None) -> str:
        text = STUDY_FILE.read_text("utf-8").replace('"test-guidance"', f'"{slug}"')
        path = write_file(f"{slug}.toml", toml if toml is not None else text)
        result = cli("study", "import", path)
        assert result.exit_code == 0, result.output
        return slug

    return create

