"""A complete study is locked: decisions, rewordings, suggestions and the item list refuse to
change (so the report's final list stays as it was) until an administrator reopens the study
with a reason."""
from __future__ import annotations

import re

import pytest

from delphi.models import (
    AuditEvent,
    Decision,
    Item,
    RoundItem,
    StudyStatus,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from delphi.rounds.review import complete_study


def _final_list(client, state) -> str:
    """The report's "Items that reached consensus", as a reader sees it."""
    page = client.get(state.url("reports.view")).get_data(as_text=True)
    section = re.search(r'<section class="page" id="final".*?</section>', page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())


def _decision(db, code: str) -> Decision:
    db.session.expire_all()
    return db.session.scalar(db.select(RoundItem.decision).filter_by(code=code))


@pytest.fixture
def complete(db, closed):
    """Round 1 closed (S1.1 in, S1.2 out, S1.3 carried forward), a pending suggestion, the study
    marked complete."""
    state = closed()
    db.session.add(Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id,
                              kind=SuggestionKind.NEW_ITEM, text="Ask about housing."))
    complete_study(state.study)
    db.session.commit()
    return state


def test_a_decision_on_a_complete_study_is_refused_and_the_final_list_stays(
        db, client, login_as, complete, text):
    login_as("coordinator", studies=[complete.study])
    before = _final_list(client, complete)
    assert "S1.1" in before and "S1.2" not in before
    events = len(db.session.scalars(db.select(AuditEvent.id)).all())
    s12 = next(ri for ri in complete.round_.round_items if ri.code == "S1.2")

    response = client.post(complete.url("rounds.decide", number=1, round_item_id=s12.id),
                           data={f"item-{s12.id}-decision": "consensus_in",
                                 f"item-{s12.id}-reason": "Changed our minds."})

    assert response.status_code == 400
    assert "The study is complete; reopen it to change decisions." in text(response)
    assert _decision(db, "S1.2") is Decision.CONSENSUS_OUT
    assert _final_list(client, complete) == before
    assert len(db.session.scalars(db.select(AuditEvent.id)).all()) == events


def test_rewording_and_suggestions_on_a_complete_study_are_refused(db, client, login_as,
                                                                   complete, text):
    login_as("coordinator", studies=[complete.study])
    s13 = next(ri for ri in complete.round_.round_items if ri.code == "S1.3")
    suggestion = db.session.scalar(db.select(Suggestion))
    items = len(db.session.scalars(db.select(Item.id)).all())

    reworded = client.post(complete.url("rounds.reword", number=1, round_item_id=s13.id),
                           data={"text": "A clearer wording.", "reason": "Vague."})
    assert reworded.status_code == 400
    assert "The study is complete; reopen it to change rewordings." in text(reworded)

    prefix = f"suggestion-{suggestion.id}"
    accepted = client.post(
        complete.url("rounds.suggestion", number=1, suggestion_id=suggestion.id),
        data={f"{prefix}-action": "accept", f"{prefix}-section": complete.study.sections[0].id,
              f"{prefix}-code": "S1.9", f"{prefix}-text": "Housing is asked about."})
    assert accepted.status_code == 400
    assert "The study is complete; reopen it to change the item list." in text(accepted)

    declined = client.post(
        complete.url("rounds.suggestion", number=1, suggestion_id=suggestion.id),
        data={f"{prefix}-action": "decline"})
    assert declined.status_code == 400
    assert "The study is complete; reopen it to change suggestions." in text(declined)

    db.session.expire_all()
    assert len(db.session.scalars(db.select(Item.id)).all()) == items
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.PENDING
    assert _decision(db, "S1.3") is Decision.CARRY_FORWARD


def test_the_review_of_a_complete_study_offers_no_change(db, client, login_as, complete, text):
    login_as("coordinator", studies=[complete.study])
    response = client.get(complete.url("rounds.review", number=1))
    assert response.status_code == 200
    words = text(response)
    assert ("The study is complete: its decisions, rewordings, suggestions and item list are "
            "locked. An administrator can reopen it, giving a reason.") in words
    assert "Change the decision for" not in words
    assert "Reword S1.3" not in words
    assert "Accept as a new item" not in words


def test_the_content_page_refuses_changes_to_a_complete_studys_items(db, client, login_as,
                                                                     complete, text):
    login_as("coordinator", studies=[complete.study])
    section = complete.study.sections[0]
    item = next(i for i in complete.study.items if i.code == "S1.3")

    added = client.post(complete.url("studies.new_item"), data={
        "item-section": section.id, "item-code": "S1.9", "item-text": "A late item."})
    assert added.status_code == 400
    assert "The study is complete; reopen it to change the item list." in text(added)

    retired = client.post(complete.url("studies.retire_item", item_id=item.id))
    assert retired.status_code == 409
    assert "The study is complete; reopen it to change the item list." in text(retired)

    moved = client.post(complete.url("studies.move_item", item_id=item.id),
                        data={"direction": "up"})
    assert moved.status_code == 409

    db.session.expire_all()
    assert db.session.scalar(db.select(Item.id).filter_by(code="S1.9")) is None
    assert db.session.get(Item, item.id).retired is False
    assert db.session.get(Item, item.id).position == 3


def test_an_admin_reopens_a_complete_study_with_a_reason(db, client, login_as, complete, text):
    admin = login_as("admin")
    page = client.get(complete.url("studies.reopen_study"))
    assert page.status_code == 200
    assert ("unlock the decisions and rewordings of its latest round, its suggestions and its "
            "item list, so they can change again") in text(page)
    assert "record your reason in the study's audit trail" in text(page)
    review = client.get(complete.url("rounds.review", number=1))
    assert "Reopen the study…" in text(review)

    no_reason = client.post(complete.url("studies.reopen_study"), data={"reason": "  "})
    assert no_reason.status_code == 400
    assert "Give a reason for reopening the study." in text(no_reason)
    db.session.expire_all()
    assert complete.study.status is StudyStatus.COMPLETE

    response = client.post(complete.url("studies.reopen_study"),
                           data={"reason": "S1.2 was decided on a misread tally."},
                           follow_redirects=True)
    assert response.status_code == 200
    assert ("Study test-study is reopened: decisions, rewordings and the item list can change "
            "again.") in text(response)
    assert "Change the decision for S1.2" in text(response)
    db.session.expire_all()
    assert complete.study.status is StudyStatus.RUNNING
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.reopen"))
    assert (event.actor, event.study_id) == (admin.email, complete.study.id)
    assert event.after == {"status": "running", "reason": "S1.2 was decided on a misread tally."}

    # The decision can change again, and the report's final list with it.
    s12 = next(ri for ri in complete.round_.round_items if ri.code == "S1.2")
    decided = client.post(complete.url("rounds.decide", number=1, round_item_id=s12.id),
                          data={f"item-{s12.id}-decision": "consensus_in",
                                f"item-{s12.id}-reason": "Misread tally."})
    assert decided.status_code == 302
    assert _decision(db, "S1.2") is Decision.CONSENSUS_IN
    assert "S1.2" in _final_list(client, complete)


def test_a_coordinator_cannot_reopen(db, client, login_as, complete, text):
    login_as("coordinator", studies=[complete.study])
    assert client.get(complete.url("studies.reopen_study")).status_code == 403
    response = client.post(complete.url("studies.reopen_study"), data={"reason": "Please."})
    assert response.status_code == 403
    db.session.expire_all()
    assert complete.study.status is StudyStatus.COMPLETE
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="study.reopen")) is None
    review = client.get(complete.url("rounds.review", number=1))
    assert "Reopen the study…" not in text(review)


def test_only_a_complete_study_is_reopened(db, client, login_as, closed, text):
    state = closed()
    login_as("admin")
    page = client.get(state.url("studies.reopen_study"))
    assert "The study is running, not complete: there is nothing to reopen." in text(page)
    response = client.post(state.url("studies.reopen_study"), data={"reason": "Why not."})
    assert response.status_code == 400
    assert ("Study test-study is running, not complete; there is nothing to reopen."
            in text(response))
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="study.reopen")) is None
