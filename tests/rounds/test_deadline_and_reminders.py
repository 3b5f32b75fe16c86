"""An open round's deadline moved and reminders sent on request, called as operations; and the
reminder schedule following a moved deadline."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from delphi.models import (
    AuditEvent,
    OutboxMessage,
    Panellist,
    ResponseStatus,
    Round,
    RoundState,
    utcnow,
)
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.deadline import change_deadline
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.reminders import send_reminders, unsubmitted
from delphi.scheduling import reminder_due, tick


def _at_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@pytest.fixture
def panel_round(db, make_study, make_panel, submit):
    """Round 1 open for ten days; of seven panellists, P001 submitted, P002 saved a draft, P003
    opened the link only, P004 was withdrawn and P005 erased; P006 and P007 did nothing."""
    study = make_study(sections=1, items_per_section=2, reminder_days="2")
    panel = make_panel(study, n=7)
    round_ = open_round(study, closes_at=_at_minute(utcnow() + timedelta(days=10)))
    submit(round_, panel[0], {"S1.1": 8, "S1.2": 7})
    save_answers(response_for(round_, panel[1]), [Answer(round_.round_items[0].id, value=5)],
                 submit=False)
    response_for(round_, panel[2]).status = ResponseStatus.OPENED
    panel[3].withdrawn_at = utcnow()
    panel[4].erased_at = utcnow()  # the address is kept here, to show the state alone decides
    db.session.commit()
    return study, panel, round_


def _messages(db, kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind=kind)
                              .order_by(OutboxMessage.id)).all()


def _events(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)
                              .order_by(AuditEvent.id)).all()


WAITING = ["P002", "P003", "P006", "P007"]  # a draft, opened only, nothing, nothing


def test_who_has_not_submitted(panel_round):
    _, _, round_ = panel_round
    waiting = unsubmitted(round_)
    assert [p.pseudonym for p in waiting.not_started] == ["P003", "P006", "P007"]
    assert [p.pseudonym for p in waiting.drafts] == ["P002"]
    assert waiting.describe() == ("4 panellists who have not submitted (3 not started, 1 with "
                                  "a draft)")


# Changing the deadline ------------------------------------------------------------------------


def test_a_new_deadline_is_stored_and_audited_without_telling_anyone(db, panel_round,
                                                                     make_staff):
    _, _, round_ = panel_round
    before = round_.closes_at
    new = _at_minute(utcnow() + timedelta(days=20))
    staff = make_staff()

    change = change_deadline(round_, new, by=staff)
    db.session.commit()

    assert change.describe() == (
        f"Round 1 now closes on {new:%d %B %Y, %H:%M} UTC (it was {before:%d %B %Y, %H:%M} "
        "UTC).")
    db.session.expire_all()
    assert db.session.get(Round, round_.id).closes_at == new
    assert _messages(db, "deadline") == []
    [event] = _events(db, "round.deadline")
    assert (event.actor, event.target) == (staff.email, "round 1")
    assert event.before == {"closes_at": before.isoformat()}
    assert event.after == {"closes_at": new.isoformat(), "notified": 0}


def test_the_notice_goes_to_active_panellists_who_have_not_submitted_once_per_deadline(
        db, panel_round):
    study, panel, round_ = panel_round
    new = _at_minute(utcnow() + timedelta(days=20))

    change = change_deadline(round_, new, notify=True)
    db.session.commit()
    again = change_deadline(round_, new, notify=True)  # a double click
    db.session.commit()

    assert change.notified == 4
    assert change.describe().endswith(
        " A notice of the deadline is queued for 4 panellists who have not submitted.")
    notices = _messages(db, "deadline")
    emails = {p.email: p.pseudonym for p in panel}
    assert [emails[m.to_address] for m in notices] == WAITING
    notice = notices[0]
    # The deadline as the study's panellists read it, in its time zone (Europe/London).
    local = new.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/London"))
    shown = f"{local.day} {local:%B %Y, %H:%M %Z}"
    assert notice.subject == f"Study test-study: round 1 now closes {shown}"
    assert "Dear Panellist 2," in notice.body
    assert f"the round now closes on {shown}" in " ".join(notice.body.split())
    assert "{link}" in notice.body  # filled in by the sender
    assert study.contact in notice.body

    assert (again.changed, again.notified) == (False, 0)
    assert again.describe() == (
        f"Round 1 already closes on {new:%d %B %Y, %H:%M} UTC: unchanged. No notice was queued: "
        "every active panellist has submitted, or was already told of this deadline.")
    assert len(_messages(db, "deadline")) == 4
    assert len(_events(db, "round.deadline")) == 1  # the second request changed nothing


def test_the_panel_can_be_told_afterwards_of_a_deadline_already_moved(db, panel_round):
    _, _, round_ = panel_round
    new = _at_minute(utcnow() + timedelta(days=20))
    change_deadline(round_, new)
    told = change_deadline(round_, new, notify=True)
    db.session.commit()

    assert (told.changed, told.notified) == (False, 4)
    assert len(_messages(db, "deadline")) == 4
    assert [e.after["notified"] for e in _events(db, "round.deadline")] == [0]
    [notice_event] = _events(db, "round.deadline_notice")
    assert notice_event.after == {"closes_at": new.isoformat(), "notified": 4}


def test_a_deadline_in_the_past_is_refused(db, panel_round):
    _, _, round_ = panel_round
    before = round_.closes_at
    yesterday = _at_minute(utcnow() - timedelta(days=1))

    with pytest.raises(RoundError) as refused:
        change_deadline(round_, yesterday, notify=True)
    db.session.rollback()

    assert str(refused.value) == (f"The new deadline, {yesterday:%d %B %Y, %H:%M} UTC, is in "
                                  "the past; choose a later date.")
    assert db.session.get(Round, round_.id).closes_at == before
    assert _messages(db, "deadline") == [] and _events(db, "round.deadline") == []


def test_only_an_open_round_has_its_deadline_changed(db, panel_round):
    _, _, round_ = panel_round
    close_round(round_)
    db.session.commit()

    with pytest.raises(RoundError) as refused:
        change_deadline(round_, utcnow() + timedelta(days=3))
    db.session.rollback()

    assert str(refused.value) == ("Round 1 is closed; only an open round's deadline can be "
                                  "changed.")
    assert _events(db, "round.deadline") == []


# Reminders on request -------------------------------------------------------------------------


def test_a_reminder_goes_to_those_who_have_not_submitted_and_a_double_submit_queues_once(
        db, panel_round, make_staff):
    _, panel, round_ = panel_round
    staff = make_staff()
    moment = _at_minute(utcnow())

    reminded = send_reminders(round_, moment=moment, by=staff)
    db.session.commit()
    again = send_reminders(round_, moment=moment, by=staff)
    db.session.commit()

    assert reminded.queued == 4
    assert reminded.describe() == ("4 reminders queued for the 4 panellists who have not "
                                   "submitted (3 not started, 1 with a draft).")
    reminders = _messages(db, "reminder")
    emails = {p.email: p.pseudonym for p in panel}
    assert [emails[m.to_address] for m in reminders] == WAITING
    assert reminders[0].subject.startswith("Reminder: Study test-study, round 1 closes ")
    assert again.queued == 0
    assert again.describe() == ("This reminder was already queued for the 4 panellists who have "
                                "not submitted (3 not started, 1 with a draft); nothing was "
                                "queued again.")
    [event] = _events(db, "round.remind")
    assert (event.actor, event.target) == (staff.email, "round 1")
    assert event.after == {"queued": 4, "not_started": 3, "drafts": 1}


def test_a_reminder_asked_for_an_hour_later_is_sent_again(db, panel_round, submit):
    _, panel, round_ = panel_round
    first = _at_minute(utcnow())
    send_reminders(round_, moment=first)
    submit(round_, panel[1], {"S1.1": 5, "S1.2": 6})  # the draft is submitted meanwhile

    later = send_reminders(round_, moment=first + timedelta(hours=1))
    db.session.commit()

    assert later.queued == 3
    assert len(_messages(db, "reminder")) == 7
    assert [e.after["queued"] for e in _events(db, "round.remind")] == [4, 3]


def test_a_reminder_study_text_is_used(db, panel_round):
    study, _, round_ = panel_round
    study.reminder_subject = "Please finish {study}"
    send_reminders(round_, moment=_at_minute(utcnow()))
    assert {m.subject for m in _messages(db, "reminder")} == {"Please finish Study test-study"}


def test_nobody_to_remind_when_everyone_has_submitted(db, make_study, make_panel, submit):
    study = make_study(sections=1, items_per_section=1)
    panel = make_panel(study, n=2)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=3))
    for panellist in panel:
        submit(round_, panellist, {"S1.1": 7})

    reminded = send_reminders(round_, moment=utcnow())

    assert reminded.queued == 0
    assert reminded.describe() == "Every active panellist has submitted round 1: nobody to remind."
    assert _messages(db, "reminder") == [] and _events(db, "round.remind") == []


def test_no_reminder_for_a_closed_round_or_after_the_deadline(db, panel_round):
    _, _, round_ = panel_round
    round_.closes_at = _at_minute(utcnow() - timedelta(hours=1))
    db.session.commit()

    with pytest.raises(RoundError) as passed:
        send_reminders(round_, moment=utcnow())
    db.session.rollback()
    close_round(round_)
    db.session.commit()
    with pytest.raises(RoundError) as closed:
        send_reminders(round_, moment=utcnow())
    db.session.rollback()

    assert str(passed.value) == (
        f"Round 1's deadline, {round_.closes_at:%d %B %Y, %H:%M} UTC, has passed, and a reminder "
        "would give that date: set a later deadline first (it can tell the panellists who have "
        "not submitted), or close the round.")
    assert str(closed.value) == ("Round 1 is closed; reminders are sent only while a round is "
                                 "open.")
    assert _messages(db, "reminder") == [] and _events(db, "round.remind") == []


# The schedule follows the deadline -----------------------------------------------------------


def test_a_reminder_sent_for_the_old_deadline_goes_again_at_its_time_before_the_new_one(
        db, panel_round):
    _, _, round_ = panel_round
    old = round_.closes_at
    assert tick(now=old - timedelta(days=1)).reminders == 4  # "2 days before" the old deadline
    assert tick(now=old - timedelta(hours=20)).reminders == 0  # once per deadline

    new = old + timedelta(days=7)
    change_deadline(round_, new)
    db.session.commit()

    assert tick(now=old - timedelta(hours=12)).reminders == 0  # not due for the new deadline
    assert tick(now=new - timedelta(days=2, hours=1)).reminders == 0
    assert tick(now=new - timedelta(days=1)).reminders == 4  # "2 days before" the new one
    assert tick(now=new - timedelta(hours=12)).reminders == 0
    assert len(_messages(db, "reminder")) == 8


def test_a_reminder_whose_time_had_come_when_the_deadline_moved_is_skipped(
        db, make_study, make_panel):
    study = make_study(sections=1, items_per_section=1, reminder_days="7,2")
    make_panel(study, n=3)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=10))
    round_.opened_at = utcnow() - timedelta(days=5)
    db.session.commit()

    # Brought forward to four days from now: its 7-day time was three days ago, after the
    # round opened but before the change, so it does not go now.
    new = _at_minute(utcnow() + timedelta(days=4))
    change_deadline(round_, new)
    db.session.commit()

    assert tick(now=utcnow() + timedelta(minutes=1)).reminders == 0
    assert tick(now=new - timedelta(days=2)).reminders == 3


def test_reminder_due_skips_the_times_before_the_schedule_started():
    opened = utcnow()
    round_ = Round(number=1, opened_at=opened, closes_at=opened + timedelta(days=10),
                   state=RoundState.OPEN)
    moved = opened + timedelta(days=5)
    assert reminder_due(round_, [7, 2], opened + timedelta(days=6)) == 7
    assert reminder_due(round_, [7, 2], opened + timedelta(days=6), since=moved) is None
    assert reminder_due(round_, [7, 2], opened + timedelta(days=9), since=moved) == 2


def test_withdrawn_and_erased_panellists_and_those_without_an_address_get_nothing(
        db, panel_round):
    _, panel, round_ = panel_round
    panel[6].email = None
    db.session.commit()
    send_reminders(round_, moment=utcnow())
    change_deadline(round_, _at_minute(utcnow() + timedelta(days=12)), notify=True)
    db.session.commit()

    told = {db.session.get(Panellist, m.panellist_id).pseudonym
            for kind in ("reminder", "deadline") for m in _messages(db, kind)}
    assert told == {"P002", "P003", "P006"}
