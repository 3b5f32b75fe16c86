"""Messages a stopped sender left half sent are marked failed, never resent on a guess; the team
queues failed messages again from the Messages page or the command line, and each goes out once."""
from __future__ import annotations

from datetime import timedelta

from delphi.mail.sender import send_pending
from delphi.models import AuditEvent, MessageStatus, utcnow
from tests.support.outbox import outbox_messages


def _left_sending(db, message, minutes_ago: int) -> None:
    message.status = MessageStatus.SENDING
    message.claimed_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()


def test_a_message_left_sending_by_a_stopped_sender_is_marked_failed_not_resent(app, db,
                                                                               invited):
    first, second, third = outbox_messages(db)
    _left_sending(db, first, minutes_ago=120)  # its sender died two hours ago
    _left_sending(db, second, minutes_ago=5)  # another sender may be at work on it

    report = send_pending()
    db.session.commit()

    first, second, third = outbox_messages(db)
    assert (report.sent, report.stuck) == (1, 1)
    assert first.status is MessageStatus.FAILED and first.sent_at is None
    assert "may or may not have been delivered" in first.last_error
    assert second.status is MessageStatus.SENDING
    assert third.status is MessageStatus.SENT
    assert "1 left unfinished by a sender that stopped were marked failed" in report.describe()


def test_failed_messages_are_queued_again_from_the_messages_page_and_go_out_once(
        app, db, client, login_as, invited):
    study, panel = invited
    first, *_ = outbox_messages(db)
    _left_sending(db, first, minutes_ago=120)
    send_pending()
    db.session.commit()
    login_as("coordinator", studies=[study])

    page = client.get(f"/console/studies/{study.slug}/messages").get_data(as_text=True)
    assert "Queue the 1 failed messages again" in page
    response = client.post(f"/console/studies/{study.slug}/messages/retry",
                           follow_redirects=True)
    assert "1 failed message queued again" in response.get_data(as_text=True)
    first = outbox_messages(db)[0]
    assert (first.status, first.attempts) == (MessageStatus.PENDING, 0)
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="mail.retry"))
    assert event is not None and event.after == {"queued_again": 1}

    assert send_pending().sent == 1 and send_pending().sent == 0
    assert [m.status for m in outbox_messages(db)] == [MessageStatus.SENT] * 3


def test_a_withdrawn_panellists_failed_message_stays_failed(app, db, runner, invited):
    study, panel = invited
    first, second, _ = outbox_messages(db)
    for message in (first, second):
        message.status = MessageStatus.FAILED
    panel[0].withdrawn_at = utcnow()
    db.session.commit()

    result = runner.invoke(args=["delphi", "mail", "retry", study.slug])
    assert result.exit_code == 0, result.output
    assert "1 failed messages queued again" in result.output
    statuses = {m.panellist_id: m.status for m in outbox_messages(db)}
    assert statuses[panel[0].id] is MessageStatus.FAILED
    assert statuses[panel[1].id] is MessageStatus.PENDING
