"""Closing a round: the confirmation says what will happen; closing freezes the summary."""
from __future__ import annotations

from delphi.models import AuditEvent, Round, RoundItem, RoundState
from delphi.rounds.answers import Answer, response_for, save_answers


def test_the_confirmation_says_what_closing_will_do(db, client, login_as, running, submit, text):
    state = running()
    submit(state.round_, state.panel[0], {"S1.1": 9})
    submit(state.round_, state.panel[1], {"S1.1": 8})
    first = state.round_.round_items[0]
    save_answers(response_for(state.round_, state.panel[2]), [Answer(first.id, value=2)],
                 submit=False)
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    response = client.get(state.url("rounds.close", number=1))
    assert response.status_code == 200
    said = text(response)
    assert "Close round 1?" in said
    assert "compute every item's summary from the 2 submitted responses and freeze it" in said
    assert "leave out 1 draft that was saved but not submitted (3 panellists did not start)" in said
    assert "stop panellists from changing their answers" in said
    assert "freeze it: it will not change afterwards" in said
    assert db.session.get(Round, state.round_.id).state is RoundState.OPEN


def test_closing_freezes_every_item_and_goes_to_the_review(db, client, login_as, running, submit):
    state = running()
    for k, panellist in enumerate(state.panel):
        submit(state.round_, panellist, {"S1.1": 9, "S1.2": 1, "S1.3": 1 + k})
    db.session.commit()
    user = login_as("coordinator", studies=[state.study])

    response = client.post(state.url("rounds.close", number=1),
                           data={"reason": "Every panellist has submitted."},
                           follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Round 1 is closed and its summary is frozen." in page
    assert "Review of round 1" in page

    db.session.expire_all()
    round_ = db.session.get(Round, state.round_.id)
    assert round_.state is RoundState.CLOSED and round_.closed_at is not None
    items = {ri.code: ri for ri in db.session.scalars(db.select(RoundItem)).all()}
    assert items["S1.1"].summary["n"] == 6 and items["S1.1"].status == "in"
    assert items["S1.2"].status == "out"
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="round.close"))
    assert event.actor == user.email


def test_closing_twice_is_refused_and_changes_nothing(db, client, login_as, closed):
    state = closed()
    closed_at = state.round_.closed_at
    login_as("coordinator", studies=[state.study])

    response = client.post(state.url("rounds.close", number=1))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Round 1 is closed; only an open round can be closed." in page
    assert "Close round 1 and freeze" not in page
    db.session.expire_all()
    assert db.session.get(Round, state.round_.id).closed_at == closed_at
    assert len(db.session.scalars(db.select(AuditEvent).filter_by(action="round.close")).all()) == 1


def test_closing_a_round_that_does_not_exist_is_not_found(db, client, login_as, running):
    state = running()
    login_as("admin")
    assert client.get(state.url("rounds.close", number=2)).status_code == 404
    assert client.post(state.url("rounds.close", number=2)).status_code == 404


def test_closing_below_the_minimum_response_or_early_needs_a_reason(
        db, client, login_as, running, submit, text):
    state = running()
    study = state.study
    study.min_response = 60  # percent of those invited
    submit(state.round_, state.panel[0], {"S1.1": 9, "S1.2": 1, "S1.3": 5})
    db.session.commit()
    invited = len(state.panel)
    login_as("coordinator", studies=[study])

    page = text(client.get(state.url("rounds.close", number=1)))
    assert "Closing now needs a reason, which the report shows" in page
    assert f"1 of {invited} invited panellists submitted; the study" in page
    assert "minimum response is 60%." in page
    assert "has not passed: closing now ends the round early." in page

    refused = client.post(state.url("rounds.close", number=1), data={"reason": "  "})
    assert refused.status_code == 400
    assert "Round 1 needs a reason to close now, which the report shows" in text(refused)
    db.session.expire_all()
    assert db.session.get(Round, state.round_.id).state is RoundState.OPEN

    done = client.post(state.url("rounds.close", number=1),
                       data={"reason": "Funding ends this month."}, follow_redirects=True)
    assert "Round 1 is closed and its summary is frozen." in done.get_data(as_text=True)
    db.session.expire_all()
    closed = db.session.get(Round, state.round_.id)
    assert closed.state is RoundState.CLOSED
    assert closed.close_reason == "Funding ends this month."
