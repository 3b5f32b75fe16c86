"""Until the next round opens, a rewording and a suggestion accepted as an item can be undone from
the review page: the new item goes, the old state comes back, and the audit trail says so."""
from __future__ import annotations

from datetime import date, timedelta

from delphi.models import (
    AuditEvent,
    Decision,
    Item,
    Round,
    RoundItem,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from delphi.rounds.review import add_item_from_suggestion, complete_study, reword_item


def _round_item(state, code: str) -> RoundItem:
    return next(ri for ri in state.round_.round_items if ri.code == code)


def _reworded(db, state, **kwargs) -> RoundItem:
    s13 = _round_item(state, "S1.3")
    reword_item(s13, "A clearer wording.", reason="Vague.", **kwargs)
    db.session.commit()
    return s13


def _accepted(db, state) -> Suggestion:
    suggestion = Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id,
                            kind=SuggestionKind.NEW_ITEM, text="Ask about housing.")
    db.session.add(suggestion)
    db.session.flush()
    add_item_from_suggestion(suggestion, text="Housing is asked about.",
                             section=state.study.sections[0], code="S1.9")
    db.session.commit()
    return suggestion


def _codes(db) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(db.select(Item.code)))


def test_undoing_a_rewording_carries_the_old_wording_forward_again(db, client, login_as, closed,
                                                                   text):
    state = closed()
    s13 = _reworded(db, state)
    user = login_as("coordinator", studies=[state.study])
    review = client.get(state.url("rounds.review", number=1))
    assert "Undo the rewording of S1.3" in text(review)

    response = client.post(state.url("rounds.undo_reword", number=1, round_item_id=s13.id),
                           follow_redirects=True)

    assert response.status_code == 200
    words = text(response)
    assert "The rewording S1.3-v2 is removed; item S1.3 is carried forward again." in words
    assert "Reworded as S1.3-v2" not in words
    assert "Change the decision for S1.3" in words
    assert "S1.3-v2" not in _codes(db)
    assert db.session.get(RoundItem, s13.id).decision is Decision.CARRY_FORWARD
    assert db.session.get(RoundItem, s13.id).decision_reason is None
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="item.reword.undo"))
    assert (event.actor, event.target) == (user.email, "S1.3")
    assert event.before == {"code": "S1.3-v2", "text": "A clearer wording.", "reason": "Vague."}

    # The next round holds the old wording, as before the rewording.
    opened = client.post(state.url("rounds.open_next", number=1),
                         data={"deadline": (date.today() + timedelta(days=9)).isoformat()})
    assert opened.status_code == 302
    round_2 = db.session.scalar(db.select(Round).filter_by(number=2))
    assert [ri.code for ri in round_2.round_items] == ["S1.3"]


def test_undoing_a_rewording_from_a_suggestion_makes_the_suggestion_pending(db, client,
                                                                            login_as, closed,
                                                                            text):
    state = closed()
    suggestion = Suggestion(round_id=state.round_.id, panellist_id=state.panel[1].id,
                            kind=SuggestionKind.REWORDING, text="A clearer wording.",
                            item_id=_round_item(state, "S1.3").item_id)
    db.session.add(suggestion)
    db.session.flush()
    s13 = _reworded(db, state, suggestion=suggestion)
    assert suggestion.status is SuggestionStatus.ACCEPTED
    login_as("coordinator", studies=[state.study])
    refused = client.post(
        state.url("rounds.undo_suggestion", number=1, suggestion_id=suggestion.id))
    assert refused.status_code == 400
    assert (f"Suggestion {suggestion.id} became S1.3-v2, a new wording of S1.3; undo that "
            "rewording instead.") in text(refused)

    response = client.post(state.url("rounds.undo_reword", number=1, round_item_id=s13.id))

    assert response.status_code == 302
    db.session.expire_all()
    suggestion = db.session.get(Suggestion, suggestion.id)
    assert suggestion.status is SuggestionStatus.PENDING
    assert suggestion.resulting_item_id is None
    assert "S1.3-v2" not in _codes(db)


def test_undoing_the_rewording_of_an_item_that_reached_consensus_says_why_it_is_carried(
        db, client, login_as, closed, text):
    state = closed()
    s11 = _round_item(state, "S1.1")  # consensus in, reworded all the same
    reword_item(s11, "Sharper words.", reason="Ambiguous.")
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    response = client.post(state.url("rounds.undo_reword", number=1, round_item_id=s11.id),
                           follow_redirects=True)
    assert "Decision: Carry forward (Carried forward again: its rewording was undone.)" in \
        text(response)


def test_an_item_that_is_not_reworded_has_nothing_to_undo(db, client, login_as, closed, text):
    state = closed()
    login_as("coordinator", studies=[state.study])
    s13 = _round_item(state, "S1.3")
    response = client.post(state.url("rounds.undo_reword", number=1, round_item_id=s13.id))
    assert response.status_code == 400
    assert "Item S1.3 is not reworded; there is no rewording to undo." in text(response)
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="item.reword.undo")) is None


def test_undoing_an_accepted_suggestion_removes_its_item(db, client, login_as, closed, text):
    state = closed()
    suggestion = _accepted(db, state)
    user = login_as("coordinator", studies=[state.study])
    review = client.get(state.url("rounds.review", number=1))
    assert "Accepted as S1.9. Undo: remove item S1.9" in text(review)

    response = client.post(
        state.url("rounds.undo_suggestion", number=1, suggestion_id=suggestion.id),
        follow_redirects=True)

    assert response.status_code == 200
    words = text(response)
    assert "Item S1.9 is removed; the suggestion is pending again." in words
    assert "Accept as a new item" in words
    assert "S1.9" not in _codes(db)
    suggestion = db.session.get(Suggestion, suggestion.id)
    assert (suggestion.status, suggestion.resulting_item_id) == (SuggestionStatus.PENDING, None)
    event = db.session.scalar(
        db.select(AuditEvent).filter_by(action="item.add_from_suggestion.undo"))
    assert (event.actor, event.target) == (user.email, "S1.9")
    assert event.before == {"code": "S1.9", "text": "Housing is asked about.", "section": "S1"}


def test_undo_is_refused_once_the_next_round_has_opened(db, client, login_as, closed, text):
    state = closed()
    s13 = _reworded(db, state)
    suggestion = _accepted(db, state)
    login_as("coordinator", studies=[state.study])
    assert client.post(state.url("rounds.open_next", number=1), data={
        "deadline": (date.today() + timedelta(days=9)).isoformat()}).status_code == 302
    review = client.get(state.url("rounds.review", number=1))
    assert "Undo" not in text(review)

    reworded = client.post(state.url("rounds.undo_reword", number=1, round_item_id=s13.id))
    assert reworded.status_code == 400
    assert "Round 2 has already been prepared; round 1&#39;s decisions are final." in \
        text(reworded)
    accepted = client.post(
        state.url("rounds.undo_suggestion", number=1, suggestion_id=suggestion.id))
    assert accepted.status_code == 400
    assert "Round 2 has already been prepared; round 1&#39;s decisions are final." in \
        text(accepted)

    assert {"S1.3-v2", "S1.9"} <= set(_codes(db))
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.ACCEPTED
    assert db.session.scalar(db.select(AuditEvent.id).where(
        AuditEvent.action.like("%.undo"))) is None


def test_undo_is_refused_once_the_study_is_complete(db, client, login_as, closed, text):
    state = closed()
    s13 = _reworded(db, state)
    suggestion = _accepted(db, state)
    complete_study(state.study)
    db.session.commit()
    login_as("coordinator", studies=[state.study])

    reworded = client.post(state.url("rounds.undo_reword", number=1, round_item_id=s13.id))
    assert reworded.status_code == 400
    assert "The study is complete; reopen it to change rewordings." in text(reworded)
    accepted = client.post(
        state.url("rounds.undo_suggestion", number=1, suggestion_id=suggestion.id))
    assert accepted.status_code == 400
    assert "The study is complete; reopen it to change the item list." in text(accepted)
    assert {"S1.3-v2", "S1.9"} <= set(_codes(db))
    assert db.session.get(RoundItem, s13.id).decision is Decision.REWORDED
