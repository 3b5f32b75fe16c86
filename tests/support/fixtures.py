"""Fixtures several test folders share, beyond the app, database and factories of
tests/conftest.py (which registers this module as a plugin): files written to the test's temp
folder, the ``delphi`` command run in-process, row counts and snapshots to show that a refused
change wrote nothing, the example study file, and a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from delphi.models import utcnow
from delphi.rounds.lifecycle import open_round
from tests.support.database import copy_rows, put_rows
from tests.support.mail import free_port

# The example study file: two sections, five items, a consensus definition; imported by the
# command-line, console and browser tests.
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
def table_rows(db) -> Callable[[], dict[str, list[tuple]]]:
    """Every row of every table, to show that a repeated command changed nothing."""

    def rows() -> dict[str, list[tuple]]:
        db.session.expire_all()
        snapshot = {}
        for table in db.metadata.sorted_tables:
            ordered = list(table.primary_key.columns) or list(table.columns)
            snapshot[table.name] = [tuple(row) for row in db.session.execute(
                sa.select(table).order_by(*ordered))]
        return snapshot

    return rows


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


@pytest.fixture
def study_file_bytes() -> bytes:
    return STUDY_FILE.read_bytes()


@pytest.fixture
def invited(db, make_study, make_panel):
    """A study with three panellists, round 1 open: three invitations queued."""
    study = make_study(sections=1, items_per_section=2)
    panel = make_panel(study, n=3)
    open_round(study, closes_at=utcnow() + timedelta(days=10))
    db.session.commit()
    return study, panel


# What ``delphi demo`` printed and the rows it wrote, per database and settings, for this process.
_demos: dict[tuple[str, str, str | None], tuple[Result, dict[str, list[dict]]]] = {}


@pytest.fixture
def demo_loaded(app, db, runner) -> Result:
    """The database as ``delphi demo`` leaves it, and the command's result. The command runs
    once per backend in each test process (it takes seconds); each later test gets a copy of
    the rows it wrote, so every test still starts from the demo alone."""
    key = (app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"],
           app.config["BASE_URL"])
    if key in _demos:
        result, rows = _demos[key]
        put_rows(db.engine, rows)
        return result
    result = runner.invoke(args=["delphi", "demo"])
    assert result.exit_code == 0, result.output
    _demos[key] = result, copy_rows(db.engine)
    return result


@dataclass
class SmtpSink:
    """What arrived at the test SMTP server; set ``refuse`` to answer every message with 451."""

    port: int
    received: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """An aiosmtpd server on a free loopback port, for the test's duration."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_config(app_config, smtp_server) -> dict:
    """Point the test app's mail at the loopback SMTP server (ask for it before ``app``)."""
    app_config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_SECURITY="none",
                      MAIL_SENDER="delphi@example.org")
    return app_config
