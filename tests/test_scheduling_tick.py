"""``delphi tick``: reminders at the study's times, auto-close at the deadline, idempotent."""
from __future__ import annotations

from datetime import timedelta

from delphi.models import MessageStatus, OutboxMessage, Round, RoundState, utcnow
from delphi.rounds.lifecycle import open_round
from delphi.scheduling import reminder_due, tick


def _reminders(db):
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind="reminder")
                              .order_by(OutboxMessage.id)).all()


def _open(db, make_study, make_panel, *, days_left: float, n=3, **settings):
    study = make_study(sections=1, items_per_section=1, **settings)
    panel = make_panel(study, n=n)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=days_left))
    db.session.commit()
    return study, panel, round_


def test_reminders_go_only_to_those_who_have_not_submitted(db, make_study, make_panel, submit):
    study, panel, round_ = _open(db, make_study, make_panel, days_left=10)
    submit(round_, panel[0], {"S1.1": 8})
    db.session.commit()
    # Seven days before the deadline: the 7-day reminder is due.
    report = tick(now=round_.closes_at - timedelta(days=7))
    assert report.reminders == 2
    reminders = _reminders(db)
    assert sorted(m.to_address for m in reminders) == sorted(p.email for p in panel[1:])
    assert all(m.status is MessageStatus.SENT for m in reminders)  # sent by the same tick
    assert reminders[0].subject.startswith("Reminder: Study test-study, round 1 closes ")


def test_no_reminder_before_its_time_and_one_per_reminder_day(db, make_study, make_panel):
    _, _, round_ = _open(db, make_study, make_panel, days_left=10)
    deadline = round_.closes_at
    assert tick(now=deadline - timedelta(days=8)).reminders == 0
    assert tick(now=deadline - timedelta(days=6)).reminders == 3  # the 7-day one
    assert tick(now=deadline - timedelta(days=5)).reminders == 0
    assert tick(now=deadline - timedelta(days=1)).reminders == 3  # the 2-day one
    assert len(_reminders(db)) == 6


def test_a_reminder_time_before_the_round_opened_is_skipped():
    opened = utcnow()
    round_ = Round(number=1, opened_at=opened, closes_at=opened + timedelta(days=3))
    assert reminder_due(round_, [7, 2], opened + timedelta(hours=1)) is None
    assert reminder_due(round_, [7, 2], opened + timedelta(days=1, hours=1)) == 2
    assert reminder_due(round_, [7, 2], opened + timedelta(days=4)) is None  # past the deadline


def test_withdrawn_panellists_get_no_reminder(db, make_study, make_panel):
    _, panel, round_ = _open(db, make_study, make_panel, days_left=10)
    panel[2].withdrawn_at = utcnow()
    db.session.commit()
    tick(now=round_.closes_at - timedelta(days=2))
    assert sorted(m.to_address for m in _reminders(db)) == sorted(p.email for p in panel[:2])


def test_a_round_past_its_deadline_closes_when_the_study_asks(db, make_study, make_panel):
    _, _, round_ = _open(db, make_study, make_panel, days_left=1, auto_close=True)
    report = tick(now=round_.closes_at + timedelta(minutes=1))
    assert report.closed == ["test-study round 1"]
    db.session.expire_all()
    closed = db.session.get(Round, round_.id)
    assert closed.state is RoundState.CLOSED and closed.round_items[0].summary is not None


def test_a_round_past_its_deadline_stays_open_without_auto_close(db, make_study, make_panel):
    _, _, round_ = _open(db, make_study, make_panel, days_left=1)
    assert tick(now=round_.closes_at + timedelta(minutes=1)).closed == []
    db.session.expire_all()
    assert db.session.get(Round, round_.id).state is RoundState.OPEN


def test_running_tick_twice_changes_nothing_the_second_time(db, make_study, make_panel,
                                                            table_rows):
    _, _, reminded = _open(db, make_study, make_panel, days_left=10)
    _, _, closing = _open(db, make_study, make_panel, days_left=1, auto_close=True,
                          slug="closing-study")
    now = reminded.closes_at - timedelta(days=2)  # past the second study's deadline
    report = tick(now=now)
    assert report.reminders == 3 and report.closed == ["closing-study round 1"]
    first = table_rows()
    again = tick(now=now)
    assert (again.reminders, again.closed, again.mail.sent) == (0, [], 0)
    assert table_rows() == first


def test_tick_command(db, runner, make_study, make_panel):
    _open(db, make_study, make_panel, days_left=10)
    result = runner.invoke(args=["delphi", "tick"])
    assert result.exit_code == 0, result.output
    assert "0 reminders queued." in result.output
    assert "Mail: 3 sent" in result.output  # the invitations queued when the round opened


def test_reminders_queued_by_a_tick_at_the_present_time_go_out_in_the_same_run(
        db, make_study, make_panel):
    # As cron runs it: no simulated clock. The round opened five days ago and closes tomorrow,
    # so the 2-day reminder is due now.
    _, panel, round_ = _open(db, make_study, make_panel, days_left=1)
    round_.opened_at = utcnow() - timedelta(days=5)
    db.session.commit()

    report = tick()

    assert report.reminders == 3
    assert report.mail.sent == 6  # the three invitations and the three reminders
    assert {m.status for m in _reminders(db)} == {MessageStatus.SENT}
