"""A message that cannot be composed (a line break in its subject) fails alone, with its reason.

The run goes on with the next message, the console's send button shows a page, and
``delphi mail send`` prints a plain report; nothing is left claimed in "sending".
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from delphi.mail.sender import send_pending
from delphi.models import MessageStatus, OutboxMessage
from delphi.rounds.lifecycle import open_round

ROOT = Path(__file__).resolve().parents[2]
DELPHI = Path(sys.executable).with_name("delphi")  # the installed entry point
BROKEN_SUBJECT = "Round 1 is open\nBcc: everyone@example.org"


@pytest.fixture
def one_unsendable(db, make_study, make_panel):
    """Three invitations queued; the first has a line break put straight into its subject."""
    study = make_study(sections=1, items_per_section=1)
    make_panel(study, n=3)
    open_round(study)
    db.session.commit()
    first = min(db.session.scalars(sa.select(OutboxMessage.id)))
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == first)
                       .values(subject=BROKEN_SUBJECT))
    db.session.commit()
    return study, first


def _outcome(db, broken_id: int) -> tuple[OutboxMessage, list[MessageStatus]]:
    db.session.expire_all()
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    broken = next(m for m in messages if m.id == broken_id)
    return broken, [m.status for m in messages if m.id != broken_id]


def _assert_failed_with_reason(broken: OutboxMessage) -> None:
    assert broken.status is MessageStatus.FAILED
    assert broken.attempts == 1
    assert "could not be composed" in broken.last_error
    assert "linefeed or carriage return" in broken.last_error


def test_the_run_fails_that_message_and_sends_the_next(smtp_config, app, db, one_unsendable,
                                                       smtp_server):
    _, broken_id = one_unsendable
    report = send_pending()
    assert (report.sent, report.retrying, report.failed) == (2, 0, 1)
    described = report.describe()
    assert described.startswith("2 sent, 0 to be retried, 1 failed for good.")
    assert f"Message {broken_id} to panellist1@example.org failed: Not sent: the message " \
           "could not be composed (ValueError:" in described
    broken, others = _outcome(db, broken_id)
    _assert_failed_with_reason(broken)
    assert others == [MessageStatus.SENT, MessageStatus.SENT]
    assert sorted(m["To"] for m in smtp_server.received) == ["panellist2@example.org",
                                                             "panellist3@example.org"]
    assert all("Bcc" not in m for m in smtp_server.received)


def test_the_send_button_shows_the_failure_on_the_page(app, db, client, login_as,
                                                       one_unsendable):
    study, broken_id = one_unsendable
    login_as("coordinator", studies=[study])
    response = client.post(f"/console/studies/{study.slug}/messages/send",
                           follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Messages: 2 sent, 0 to be retried, 1 failed for good." in page
    assert "could not be composed (ValueError:" in page
    assert "failed</span> 1" in page and "sent</span> 2" in page
    broken, others = _outcome(db, broken_id)
    _assert_failed_with_reason(broken)
    assert others == [MessageStatus.SENT, MessageStatus.SENT]


@pytest.mark.slow  # runs the installed delphi command
def test_mail_send_from_the_command_line_reports_it_plainly(app_config, app, db, one_unsendable,
                                                            tmp_path):
    _, broken_id = one_unsendable
    env = dict(os.environ, DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app_config["SECRET_KEY"], DELPHI_INSTANCE=str(tmp_path / "instance"),
               MAIL_HOST="")
    result = subprocess.run([str(DELPHI), "mail", "send"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    assert output.startswith("2 sent, 0 to be retried, 1 failed for good.")
    assert f"Message {broken_id} to panellist1@example.org failed" in output
    assert "could not be composed (ValueError:" in output
    broken, others = _outcome(db, broken_id)
    _assert_failed_with_reason(broken)
    assert others == [MessageStatus.SENT, MessageStatus.SENT]
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 2
