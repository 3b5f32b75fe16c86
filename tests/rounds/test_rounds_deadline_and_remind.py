"""The round dashboard's deadline form, its counts of who has not submitted, a passed deadline,
and the reminder sent from its confirmation page."""
from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from delphi.models import AuditEvent, OutboxMessage, Round, utcnow
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.lifecycle import close_round



def _london_end(day: date) -> datetime:
    """23:59 on ``day`` in the test study's time zone (Europe/London), as stored: naive UTC."""
    return datetime.combine(day, time(23, 59), ZoneInfo("Europe/London")).astimezone(
        UTC).replace(tzinfo=None)

def _said(text, response) -> str:
    return html.unescape(text(response))


def _kinds(db, kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind=kind)
                              .order_by(OutboxMessage.id)).all()


def _draft(round_, panellist) -> None:
    save_answers(response_for(round_, panellist), [Answer(round_.round_items[0].id, value=4)],
                 submit=False)


def _mixed(db, running, submit):
    """Six panellists: P001 submitted, P002 has a draft, P003 withdrawn, P004-P006 not started."""
    state = running()
    p1, p2, p3 = state.panel[:3]
    submit(state.round_, p1, {"S1.1": 7, "S1.2": 8, "S1.3": 9})
    _draft(state.round_, p2)
    p3.withdrawn_at = utcnow()
    db.session.commit()
    return state


# The deadline ---------------------------------------------------------------------------------


def test_the_team_moves_the_deadline_and_tells_those_who_have_not_submitted(
        db, client, login_as, running, submit, text):
    state = _mixed(db, running, submit)
    user = login_as("coordinator", studies=[state.study])
    old = state.round_.closes_at
    day = date.today() + timedelta(days=21)
    new = _london_end(day)

    page = client.get(state.url("rounds.dashboard"))
    assert "Change the deadline" in page.get_data(as_text=True)
    response = client.post(state.url("rounds.deadline", number=1),
                           data={"deadline": day.isoformat(), "notify": "y"},
                           follow_redirects=True)

    assert response.status_code == 200
    said = _said(text, response)
    assert (f"Round 1 now closes on {new:%d %B %Y, %H:%M} UTC (it was {old:%d %B %Y, %H:%M} "
            "UTC). A notice of the deadline is queued for 4 panellists who have not "
            "submitted.") in said
    assert f"Deadline: {new:%d %B %Y, %H:%M} UTC" in said
    assert db.session.get(Round, state.round_.id).closes_at == new
    emails = {p.email: p.pseudonym for p in state.panel}
    assert [emails[m.to_address] for m in _kinds(db, "deadline")] == [
        "P002", "P004", "P005", "P006"]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="round.deadline"))
    assert (event.actor, event.before, event.after) == (
        user.email, {"closes_at": old.isoformat()},
        {"closes_at": new.isoformat(), "notified": 4})


def test_a_double_click_on_the_deadline_form_queues_the_notices_once(db, client, login_as,
                                                                     running, text):
    state = running()
    login_as("coordinator", studies=[state.study])
    day = date.today() + timedelta(days=21)
    form = {"deadline": day.isoformat(), "notify": "y"}

    client.post(state.url("rounds.deadline", number=1), data=form)
    second = client.post(state.url("rounds.deadline", number=1), data=form,
                         follow_redirects=True)

    assert second.status_code == 200
    assert (f"Round 1 already closes on {_london_end(day):%d %B %Y, %H:%M} UTC: unchanged. No notice was "
            "queued") in _said(text, second)
    assert len(_kinds(db, "deadline")) == 6
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .filter_by(action="round.deadline")) == 1


def test_without_the_box_ticked_nobody_is_told(db, client, login_as, running):
    state = running()
    login_as("coordinator", studies=[state.study])
    response = client.post(state.url("rounds.deadline", number=1),
                           data={"deadline": (date.today() + timedelta(days=9)).isoformat()})
    assert response.status_code == 302
    assert _kinds(db, "deadline") == []


def test_a_date_in_the_past_is_refused_on_the_dashboard(db, client, login_as, running, text):
    state = running()
    login_as("coordinator", studies=[state.study])
    before = state.round_.closes_at
    yesterday = date.today() - timedelta(days=1)

    response = client.post(state.url("rounds.deadline", number=1),
                           data={"deadline": yesterday.isoformat(), "notify": "y"})

    assert response.status_code == 400
    assert (f"The new deadline, {_london_end(yesterday):%d %B %Y, %H:%M} UTC, is in the past; choose a later "
            "date.") in _said(text, response)
    db.session.expire_all()
    assert db.session.get(Round, state.round_.id).closes_at == before
    assert _kinds(db, "deadline") == []
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="round.deadline")) is None


def test_an_empty_or_mistyped_date_is_refused(db, client, login_as, running, text):
    state = running()
    login_as("coordinator", studies=[state.study])
    for typed, message in (("", "Give the new deadline."),
                           ("next week", "Not a valid date value.")):
        response = client.post(state.url("rounds.deadline", number=1), data={"deadline": typed})
        assert response.status_code == 400
        assert message in _said(text, response)


def test_a_closed_round_keeps_its_deadline(db, client, login_as, running, text):
    state = running()
    close_round(state.round_)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    before = state.round_.closes_at

    response = client.post(state.url("rounds.deadline", number=1),
                           data={"deadline": (date.today() + timedelta(days=5)).isoformat()})

    assert response.status_code == 400
    assert "Round 1 is closed; only an open round's deadline can be changed." in _said(
        text, response)
    db.session.expire_all()
    assert db.session.get(Round, state.round_.id).closes_at == before


def test_the_dashboard_says_when_the_deadline_has_passed(db, client, login_as, running, text):
    state = running()
    state.round_.closes_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    said = _said(text, client.get(state.url("rounds.dashboard")))

    assert "(the deadline has passed)" in said
    assert ("The deadline has passed, but round 1 is still open: this study does not close rounds "
            "by itself, so panellists can still answer until you close it. Close the round now, "
            "or set a later deadline below (and tell the panellists who have not submitted).") \
        in said


def test_with_auto_close_the_dashboard_says_the_next_run_closes_it(db, client, login_as,
                                                                   running, text):
    state = running(auto_close=True)
    state.round_.closes_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    said = _said(text, client.get(state.url("rounds.dashboard")))
    assert ("The deadline has passed, but round 1 is still open: it closes at the next "
            "scheduled run (delphi tick).") in said


def test_before_the_deadline_the_dashboard_does_not_say_it_passed(db, client, login_as, running,
                                                                  text):
    state = running()
    login_as("coordinator", studies=[state.study])
    assert "The deadline has passed" not in _said(text, client.get(state.url("rounds.dashboard")))


# Who has not submitted -------------------------------------------------------------------------


def test_the_dashboard_counts_not_started_and_drafts_apart(db, client, login_as, running, submit,
                                                          text):
    state = _mixed(db, running, submit)
    login_as("coordinator", studies=[state.study])

    said = _said(text, client.get(state.url("rounds.dashboard")))

    assert "Not submitted yet" in said
    # Listed by group, then pseudonym.
    assert ("Not started (3) Panellist 4 (P004, People who use services) Panellist 6 (P006, "
            "People who use services) Panellist 5 (P005, Social workers)") in said
    assert "Started but not submitted (1) Panellist 2 (P002, People who use services)" in said
    assert "Everyone has" not in said


def test_everyone_started_but_a_draft_is_not_called_done(db, client, login_as, running, submit,
                                                        text):
    state = running(panel=3)
    submit(state.round_, state.panel[0], {"S1.1": 7, "S1.2": 8, "S1.3": 9})
    submit(state.round_, state.panel[1], {"S1.1": 7, "S1.2": 8, "S1.3": 9})
    _draft(state.round_, state.panel[2])
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    said = _said(text, client.get(state.url("rounds.dashboard")))

    assert ("Not started (0) Everyone has started; 1 has a draft not yet submitted. Started but "
            "not submitted (1) Panellist 3 (P003, Social workers)") in said
    assert "Everyone has submitted" not in said
    assert "Send a reminder now" in said


def test_when_everyone_has_submitted_the_dashboard_says_so(db, client, login_as, running, submit,
                                                           text):
    state = running(panel=2)
    for panellist in state.panel:
        submit(state.round_, panellist, {"S1.1": 7, "S1.2": 8, "S1.3": 9})
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    said = _said(text, client.get(state.url("rounds.dashboard")))
    assert "Not submitted yet Everyone has submitted." in said
    assert "Send a reminder now" not in said


# A reminder now -------------------------------------------------------------------------------


def _moment(response) -> str:
    field = re.search(r'<input[^>]*name="moment"[^>]*>', response.get_data(as_text=True))
    assert field, "the confirmation page has no moment field"
    return re.search(r'value="([^"]*)"', field.group(0)).group(1)


def test_the_confirmation_page_counts_the_recipients_and_the_post_queues(
        db, client, login_as, running, submit, text):
    state = _mixed(db, running, submit)
    user = login_as("coordinator", studies=[state.study])

    page = client.get(state.url("rounds.remind", number=1))
    assert page.status_code == 200
    said = _said(text, page)
    assert ("This will e-mail 4 panellists who have not submitted (3 not started, 1 with a "
            "draft).") in said
    assert "Send the reminder to 4 panellists" in said
    assert _kinds(db, "reminder") == []  # showing the page sends nothing

    moment = _moment(page)
    sent = client.post(state.url("rounds.remind", number=1), data={"moment": moment},
                       follow_redirects=True)
    again = client.post(state.url("rounds.remind", number=1), data={"moment": moment},
                        follow_redirects=True)

    assert sent.status_code == 200
    assert ("4 reminders queued for the 4 panellists who have not submitted (3 not started, 1 "
            "with a draft).") in _said(text, sent)
    assert again.status_code == 200
    assert ("This reminder was already queued for the 4 panellists who have not submitted (3 not "
            "started, 1 with a draft); nothing was queued again.") in _said(text, again)
    emails = {p.email: p.pseudonym for p in state.panel}
    assert [emails[m.to_address] for m in _kinds(db, "reminder")] == [
        "P002", "P004", "P005", "P006"]
    events = db.session.scalars(db.select(AuditEvent).filter_by(action="round.remind")).all()
    assert [(e.actor, e.target, e.after["queued"]) for e in events] == [
        (user.email, "round 1", 4)]

    later = client.get(state.url("rounds.remind", number=1))
    assert "The last reminder for this round was queued on" in _said(text, later)


def test_a_reminder_from_a_page_shown_an_hour_later_is_queued_again(db, client, login_as,
                                                                    running, text):
    state = running(panel=2)
    login_as("coordinator", studies=[state.study])
    first = datetime.strptime(_moment(client.get(state.url("rounds.remind", number=1))),
                              "%Y%m%dT%H%M%S")
    client.post(state.url("rounds.remind", number=1), data={"moment": f"{first:%Y%m%dT%H%M%S}"})
    later = first + timedelta(hours=1)
    response = client.post(state.url("rounds.remind", number=1),
                           data={"moment": f"{later:%Y%m%dT%H%M%S}"}, follow_redirects=True)
    assert "2 reminders queued" in _said(text, response)
    assert len(_kinds(db, "reminder")) == 4


def test_a_tampered_confirmation_is_refused(db, client, login_as, running, text):
    state = running()
    login_as("coordinator", studies=[state.study])
    for moment, message in (("", "The confirmation page is incomplete; open it again."),
                            ("yesterday", "The confirmation page is out of date; open it again.")):
        response = client.post(state.url("rounds.remind", number=1), data={"moment": moment})
        assert response.status_code == 400
        assert message in _said(text, response)
    assert _kinds(db, "reminder") == []


def test_no_reminder_for_a_closed_round(db, client, login_as, running, text):
    state = running()
    close_round(state.round_)
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    page = client.get(state.url("rounds.remind", number=1))
    posted = client.post(state.url("rounds.remind", number=1),
                         data={"moment": f"{utcnow():%Y%m%dT%H%M%S}"})

    refusal = "Round 1 is closed; reminders are sent only while a round is open."
    assert page.status_code == 200 and refusal in _said(text, page)
    assert "Send the reminder" not in _said(text, page)
    assert posted.status_code == 400 and refusal in _said(text, posted)
    assert _kinds(db, "reminder") == []


def test_no_reminder_after_the_deadline_passed(db, client, login_as, running, text):
    state = running()
    state.round_.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    said = _said(text, client.get(state.url("rounds.remind", number=1)))
    assert "has passed, and a reminder would give that date: set a later deadline first" in said
    assert "Send the reminder" not in said


def test_nobody_to_remind_once_everyone_has_submitted(db, client, login_as, running, submit,
                                                     text):
    state = running(panel=1)
    submit(state.round_, state.panel[0], {"S1.1": 7, "S1.2": 8, "S1.3": 9})
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    said = _said(text, client.get(state.url("rounds.remind", number=1)))
    assert "Every active panellist has submitted round 1: nobody to remind." in said
    assert "Send the reminder" not in said
    assert _kinds(db, "reminder") == []
