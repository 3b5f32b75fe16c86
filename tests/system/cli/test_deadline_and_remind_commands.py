"""``delphi round deadline`` and ``delphi mail remind``, run through the installed entry point in
a process of its own, against the test database."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from delphi.models import AuditEvent, MessageStatus, OutboxMessage, Round, utcnow
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.lifecycle import close_round, open_round


@pytest.fixture
def running(db, make_study, make_panel, submit):
    """Round 1 open for a week; of four panellists, P001 submitted and P002 has a draft."""
    study = make_study(sections=1, items_per_section=1)
    panel = make_panel(study, n=4)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
    submit(round_, panel[0], {"S1.1": 7})
    save_answers(response_for(round_, panel[1]), [Answer(round_.round_items[0].id, value=3)],
                 submit=False)
    return study, panel, round_


def _messages(db, kind: str) -> list[OutboxMessage]:
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind=kind)
                              .order_by(OutboxMessage.id)).all()


def test_round_deadline_moves_it_and_notifies(delphi, db, running):
    _, panel, round_ = running
    old = round_.closes_at
    day = date.today() + timedelta(days=30)
    # 23:59 that day in the study's time zone (London), stored in UTC.
    new = datetime.combine(day, time(23, 59), ZoneInfo("Europe/London")).astimezone(UTC)
    new = new.replace(tzinfo=None)

    result = delphi("round", "deadline", "test-study", day.isoformat(), "--notify")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"Round 1 now closes on {new:%d %B %Y, %H:%M} UTC (it was {old:%d %B %Y, %H:%M} UTC). "
        "A notice of the deadline is queued for 3 panellists who have not submitted.\n")
    assert db.session.get(Round, round_.id).closes_at == new
    assert [m.to_address for m in _messages(db, "deadline")] == [p.email for p in panel[1:]]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="round.deadline"))
    assert (event.actor, event.after) == ("command line",
                                          {"closes_at": new.isoformat(), "notified": 3})


def test_round_deadline_refuses_a_past_date_and_changes_nothing(delphi, db, running):
    _, _, round_ = running
    old = round_.closes_at
    yesterday = date.today() - timedelta(days=1)

    result = delphi("round", "deadline", "test-study", yesterday.isoformat(), "--notify")

    assert (result.returncode, result.stdout) == (1, "")
    end = datetime.combine(yesterday, time(23, 59), ZoneInfo("Europe/London")).astimezone(UTC)
    assert result.stderr == (f"Error: The new deadline, {end:%d %B %Y, %H:%M} UTC, is in "
                             "the past; choose a later date.\n")
    assert db.session.get(Round, round_.id).closes_at == old
    assert _messages(db, "deadline") == []


def test_round_deadline_refuses_a_closed_round(delphi, db, running):
    _, _, round_ = running
    close_round(round_)
    result = delphi("round", "deadline", "test-study",
                    (date.today() + timedelta(days=3)).isoformat())
    assert (result.returncode, result.stderr) == (
        1, "Error: Round 1 is closed; only an open round's deadline can be changed.\n")


def test_mail_remind_queues_for_those_who_have_not_submitted(delphi, db, running):
    _, panel, _ = running

    result = delphi("mail", "remind", "test-study")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "Round 1 of test-study: 3 reminders queued for the 3 panellists who have not submitted "
        "(2 not started, 1 with a draft).\n"
        "They go out with the next delphi mail send or delphi tick.\n")
    reminders = _messages(db, "reminder")
    assert [(m.to_address, m.status) for m in reminders] == [
        (p.email, MessageStatus.PENDING) for p in panel[1:]]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="round.remind"))
    assert (event.actor, event.after["queued"]) == ("command line", 3)


def test_mail_remind_send_delivers_at_once(delphi, db, running, tmp_path):
    result = delphi("mail", "remind", "test-study", "--send")

    assert (result.returncode, result.stderr) == (0, "")
    # The four invitations queued when the round opened go out with the three reminders.
    assert result.stdout == (
        "Round 1 of test-study: 3 reminders queued for the 3 panellists who have not submitted "
        "(2 not started, 1 with a draft).\n"
        "Mail: 7 sent, 0 to be retried, 0 failed for good.\n")
    assert {m.status for m in _messages(db, "reminder")} == {MessageStatus.SENT}
    assert len(list((tmp_path / "instance" / "mail").rglob("*.eml"))) == 7


def test_mail_remind_refuses_a_closed_round(delphi, db, running):
    _, _, round_ = running
    close_round(round_)
    result = delphi("mail", "remind", "test-study")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("Error: Round 1 is closed; reminders are sent only while a round is "
                             "open.\n")
    assert _messages(db, "reminder") == []
