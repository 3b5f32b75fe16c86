"""Fixtures for the console tests: a real SMTP server on loopback, row snapshots, a study file."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from delphi.models import utcnow
from delphi.rounds.lifecycle import open_round
from tests.support.mail import free_port

STUDY_FILE = Path(__file__).parent.parent / "foundation" / "study.toml"


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
