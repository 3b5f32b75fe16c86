"""The e-mail server is down while a round's invitations go out: they stay queued, and once it is
back each panellist gets exactly one invitation, however often the sender runs."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from delphi.mail.sender import send_pending
from delphi.models import MessageStatus, OutboxMessage, utcnow
from tests.system.reliability.stack import record_figures
from tests.support.mail import Inbox, free_port

PANELLISTS = 12


@pytest.fixture(scope="module")
def mail_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config, mail_port):
    return {**app_config, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": mail_port,
            "MAIL_SECURITY": "none", "MAIL_SENDER": "delphi@example.org"}


def _statuses(db) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count())
                              .group_by(OutboxMessage.status)).all()
    return {status.value: count for status, count in rows}


def test_invitations_wait_for_the_mail_server_and_go_out_once(db, open_study, mail_port):
    study, panel, round_ = open_study(n=PANELLISTS)  # the invitations are queued

    down = send_pending()  # nothing listens on the port: every message fails for now
    db.session.commit()
    assert (down.sent, down.retrying, down.failed) == (0, PANELLISTS, 0)
    assert _statuses(db) == {"pending": PANELLISTS}
    errors = db.session.scalars(sa.select(OutboxMessage.last_error)).all()
    assert all("ConnectionRefusedError" in error for error in errors)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=mail_port)
    controller.start()
    try:
        too_soon = send_pending()  # the back-off has not passed: nothing is tried yet
        later = utcnow() + timedelta(hours=1)
        back = send_pending(now=later)
        again = send_pending(now=later + timedelta(hours=1))
        db.session.commit()
    finally:
        controller.stop()

    assert too_soon.sent == 0
    assert back.sent == PANELLISTS and again.sent == 0
    assert _statuses(db) == {MessageStatus.SENT.value: PANELLISTS}
    recipients = sorted(recipient for recipient, _ in inbox.received)
    assert recipients == sorted(p.email for p in panel)
    assert all("/p/" in content for _, content in inbox.received)
    record_figures("fault-mail-outage-" + db.engine.dialect.name, {
        "invitations": PANELLISTS, "sent_while_down": down.sent, "queued": down.retrying,
        "delivered_after": back.sent, "delivered_twice": len(recipients) - len(set(recipients))})
