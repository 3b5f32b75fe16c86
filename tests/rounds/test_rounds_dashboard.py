"""The rounds dashboard: opening round 1, and the open round's responses and ratings so far."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from delphi.models import (AuditEvent, OutboxMessage, ResponseStatus, Round, RoundState,
                           StudyStatus, utcnow)
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.dashboard import time_left


def test_without_a_round_the_page_offers_to_open_round_1(db, client, login_as, make_study):
    study = make_study()
    db.session.commit()
    login_as("coordinator", studies=[study])
    response = client.get(f"/console/studies/{study.slug}/rounds/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Open round 1" in page
    assert "fixes the consensus definition" in page


def test_opening_round_1_sets_the_deadline_and_queues_the_invitations(
        db, client, login_as, make_study, make_panel):
    study = make_study()
    make_panel(study, n=4)
    db.session.commit()
    user = login_as("coordinator", studies=[study])
    deadline = date.today() + timedelta(days=14)
    response = client.post(f"/console/studies/{study.slug}/rounds/open",
                           data={"deadline": deadline.isoformat()}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Round 1 is open; the invitations are queued." in page
    assert "0 of 4 panellists submitted (0%)" in page

    round_ = db.session.scalar(db.select(Round).filter_by(study_id=study.id))
    assert round_.state is RoundState.OPEN
    assert round_.closes_at == datetime.combine(deadline, datetime.min.time()).replace(
        hour=23, minute=59)
    assert study.status is StudyStatus.RUNNING
    invitations = db.session.scalars(db.select(OutboxMessage).filter_by(kind="invitation")).all()
    assert len(invitations) == 4
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="round.open"))
    assert event.actor == user.email


@pytest.mark.parametrize("deadline, message", [
    ("", "Give the round&#39;s deadline."),
    ("next week", "Not a valid date value."),
    ((date.today() - timedelta(days=1)).isoformat(), "is in the past"),
])
def test_a_bad_deadline_opens_nothing_and_says_why(db, client, login_as, make_study, make_panel,
                                                   deadline, message):
    study = make_study()
    make_panel(study, n=2)
    db.session.commit()
    login_as("coordinator", studies=[study])
    response = client.post(f"/console/studies/{study.slug}/rounds/open", data={"deadline": deadline})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Round.id).filter_by(study_id=study.id)) is None
    assert db.session.scalar(db.select(OutboxMessage.id)) is None


def test_opening_round_1_twice_is_refused(db, client, login_as, running):
    state = running()
    login_as("admin")
    response = client.post(state.url("rounds.open_first"),
                           data={"deadline": (date.today() + timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert "Round 1 is open; close it before opening another round." in response.get_data(as_text=True)
    assert len(db.session.scalars(db.select(Round)).all()) == 1


def test_the_dashboard_counts_submitted_responses_only(db, client, login_as, running, submit):
    state = running()  # six panellists; groups alternate: social workers, people who use services
    p1, p2, p3, p4, p5, p6 = state.panel
    submit(state.round_, p1, {"S1.1": 7, "S1.2": 3, "S1.3": "U"})
    submit(state.round_, p2, {"S1.1": 8, "S1.2": 3})
    submit(state.round_, p3, {"S1.1": 8})
    by_code = {ri.code: ri for ri in state.round_.round_items}
    save_answers(response_for(state.round_, p4), [Answer(by_code["S1.1"].id, value=1)], submit=False)
    response_for(state.round_, p5).status = ResponseStatus.OPENED
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    response = client.get(state.url("rounds.dashboard"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3 of 6 panellists submitted (50%)" in page
    assert "1 with a draft; 2 not started." in page
    # Social workers are panellists 1, 3, 5: two submitted, one opened the link.
    assert _row(page, "Social workers") == ["3", "2", "0", "1", "67%"]
    assert _row(page, "People who use services") == ["3", "1", "1", "1", "33%"]
    assert "Panellist 5 (P005, Social workers): opened the link" in page
    assert "Panellist 6 (P006, People who use services)" in page
    assert "Panellist 1 (P001" not in page
    # S1.1 was rated 7, 8, 8 by those who submitted; panellist 4's draft 1 does not count.
    cells = _row(page, "S1.1")
    assert cells[0:2] == ["3", "0"]
    assert cells[2:] == ["0", "0", "0", "0", "0", "0", "1", "2", "0"]
    assert _row(page, "S1.3")[0:2] == ["0", "1"]
    assert "6 days 23 hours left" in page


def _row(page: str, header: str) -> list[str]:
    """The data cells of the table row whose header cell contains ``header`` (histogram skipped)."""
    import re

    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        heading = re.search(r"<th scope=\"row\">(.*?)</th>", row, flags=re.S)
        if heading and header in heading.group(1):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            return [c.strip() for c in cells if "<svg" not in c]
    raise AssertionError(f"no row for {header}")


def test_time_left_in_words():
    now = datetime(2025, 3, 1, 12, 0)
    assert time_left(None, now) == "no deadline set"
    assert time_left(now + timedelta(days=3, hours=2, minutes=5), now) == "3 days 2 hours left"
    assert time_left(now + timedelta(days=1, hours=1), now) == "1 day 1 hour left"
    assert time_left(now + timedelta(hours=5, minutes=30), now) == "5 hours 30 minutes left"
    assert time_left(now - timedelta(seconds=1), now) == "the deadline has passed"


def test_the_dashboard_runs_as_many_statements_for_100_items_as_for_10(
        db, client, login_as, running, submit, count_queries):
    login_as("admin")
    counted = []
    for items in (10, 100):
        state = running(items=items, slug=f"study-{items}")
        for panellist in state.panel[:4]:
            submit(state.round_, panellist, {f"S1.{i}": 1 + i % 9 for i in range(1, items + 1)})
        db.session.commit()
        with count_queries() as statements:
            response = client.get(state.url("rounds.dashboard"))
        assert response.status_code == 200
        assert f"S1.{items}</span>" in response.get_data(as_text=True)
        counted.append(len(statements))
    assert counted[0] == counted[1] <= 12, counted


def test_deadline_shown_with_time_left(db, client, login_as, running):
    state = running()
    state.round_.closes_at = utcnow() + timedelta(days=2, hours=5, minutes=30)
    db.session.commit()
    login_as("admin")
    page = client.get(state.url("rounds.dashboard")).get_data(as_text=True)
    assert "2 days 5 hours left" in page


def test_the_ratings_so_far_follow_every_submission_and_change(db, client, login_as, running,
                                                               submit):
    """The counts are remembered between visits; each submission and each changed submitted
    answer show at the next visit, a draft never does."""
    state = running()
    p1, p2, p3, *_ = state.panel
    login_as("admin")

    def s11() -> list[str]:
        page = client.get(state.url("rounds.dashboard")).get_data(as_text=True)
        return _row(page, "S1.1")

    submit(state.round_, p1, {"S1.1": 7})
    db.session.commit()
    assert s11() == ["1", "0"] + ["0"] * 6 + ["1", "0", "0"]
    assert s11() == ["1", "0"] + ["0"] * 6 + ["1", "0", "0"]  # seen again, unchanged
    submit(state.round_, p2, {"S1.1": "U"})
    db.session.commit()
    assert s11() == ["1", "1"] + ["0"] * 6 + ["1", "0", "0"]
    submit(state.round_, p1, {"S1.1": 2})  # a submitted answer changed while the round is open
    db.session.commit()
    assert s11() == ["1", "1", "0", "1"] + ["0"] * 7
    save_answers(response_for(state.round_, p3), [Answer(_code(state, "S1.1"), value=9)],
                 submit=False)
    db.session.commit()
    assert s11() == ["1", "1", "0", "1"] + ["0"] * 7


def _code(state, code: str) -> int:
    return next(ri.id for ri in state.round_.round_items if ri.code == code)
