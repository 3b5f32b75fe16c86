"""After the review: open the next round (invitations queued) or mark the study complete."""
from __future__ import annotations

from datetime import date, timedelta

from delphi.models import Decision, OutboxMessage, Round, RoundState, StudyStatus
from delphi.rounds.review import reword_item


def _deadline(days=10) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def test_opening_round_2_carries_forward_rewords_and_invites(db, client, login_as, closed):
    state = closed()
    s13 = next(ri for ri in state.round_.round_items if ri.code == "S1.3")
    reword_item(s13, "A clearer wording.", reason="Vague.")
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    response = client.post(state.url("rounds.open_next", number=1),
                           data={"deadline": _deadline()}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Round 2 is open; the invitations are queued." in page
    assert "Round 2 is open" in page

    db.session.expire_all()
    round_2 = db.session.scalar(db.select(Round).filter_by(study_id=state.study.id, number=2))
    assert round_2.state is RoundState.OPEN
    # S1.1 is consensus in and S1.2 consensus out; S1.3 was reworded as S1.3-v2.
    assert [ri.code for ri in round_2.round_items] == ["S1.3-v2"]
    invitations = db.session.scalars(
        db.select(OutboxMessage).filter_by(kind="invitation", round_id=round_2.id)).all()
    assert len(invitations) == len(state.panel)


def test_a_past_deadline_opens_no_round(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    response = client.post(state.url("rounds.open_next", number=1),
                           data={"deadline": _deadline(-2)})
    assert response.status_code == 400
    assert "is in the past" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Round.id).filter_by(number=2)) is None
    assert len(db.session.scalars(db.select(OutboxMessage.id)).all()) == len(state.panel)


def test_nothing_to_carry_forward_says_to_complete_instead(db, client, login_as, closed):
    state = closed()
    s13 = next(ri for ri in state.round_.round_items if ri.code == "S1.3")
    s13.decision = Decision.CONSENSUS_OUT
    s13.decision_reason = "Dropped."
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    response = client.post(state.url("rounds.open_next", number=1), data={"deadline": _deadline()})
    assert response.status_code == 400
    assert "mark the study complete instead" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Round.id).filter_by(number=2)) is None


def test_an_old_review_cannot_launch_another_round(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    assert client.post(state.url("rounds.open_next", number=1),
                       data={"deadline": _deadline()}).status_code == 302
    response = client.post(state.url("rounds.open_next", number=1), data={"deadline": _deadline()})
    assert response.status_code == 400
    assert len(db.session.scalars(db.select(Round)).all()) == 2


def test_marking_the_study_complete(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    response = client.post(state.url("rounds.complete", number=1), follow_redirects=True)
    assert response.status_code == 200
    text = " ".join(response.get_data(as_text=True).split())
    assert "The study is marked complete." in text
    assert "This study is complete: no more rounds will open." in text
    db.session.expire_all()
    assert state.study.status is StudyStatus.COMPLETE

    again = client.post(state.url("rounds.complete", number=1))
    assert again.status_code == 400
    assert "Study test-study is already complete." in again.get_data(as_text=True)
    refused = client.post(state.url("rounds.open_next", number=1), data={"deadline": _deadline()})
    assert refused.status_code == 400
    assert "Study test-study is complete; no more rounds can be opened." in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(Round.id).filter_by(number=2)) is None


def test_the_review_of_an_open_round_sends_back_to_the_dashboard(db, client, login_as, running):
    state = running()
    login_as("admin")
    response = client.get(state.url("rounds.review", number=1), follow_redirects=True)
    assert response.status_code == 200
    assert "Round 1 is open; it is reviewed once it closes." in response.get_data(as_text=True)


def test_the_review_runs_as_many_statements_for_100_items_as_for_10(
        db, client, login_as, running, submit, count_queries):
    from delphi.rounds.lifecycle import close_round

    login_as("admin")
    counted = []
    for items in (10, 100):
        state = running(items=items, slug=f"study-{items}")
        for panellist in state.panel:
            submit(state.round_, panellist, {f"S1.{i}": 1 + i % 9 for i in range(1, items + 1)})
        close_round(state.round_)
        db.session.commit()
        with count_queries() as statements:
            response = client.get(state.url("rounds.review", number=1))
        assert response.status_code == 200
        assert f"S1.{items}</span>" in response.get_data(as_text=True)
        counted.append(len(statements))
    # The bound grew from 12 when the review began to show what panellists wrote (section and
    # item comments, reasons, suggestions): each is one statement, whatever the number of items.
    assert counted[0] == counted[1] <= 14, counted
