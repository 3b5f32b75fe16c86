"""The between-round review: frozen statistics, decisions, rewording, suggestions."""
from __future__ import annotations

import re

from delphi.models import (AuditEvent, Decision, Item, ItemOrigin, Round, RoundItem, Suggestion,
                           SuggestionKind, SuggestionStatus)
from delphi.rounds.review import prepare_next_round


def _item(db, code: str, number: int = 1) -> RoundItem:
    db.session.expire_all()
    return db.session.scalar(db.select(RoundItem).join(Round).filter(
        RoundItem.code == code, Round.number == number))


def _article(page: str, code: str) -> str:
    """The review's article for one item, whitespace collapsed."""
    for article in re.findall(r"<article class=\"review-item.*?</article>", page, flags=re.S):
        if f'<span class="code">{code}</span>' in article:
            article = re.sub(r"</?(strong|span|em|a|b)\b[^>]*>", "", article)
            return " ".join(re.sub(r"<[^>]+>", " ", article).split())
    raise AssertionError(f"no article for {code}")


def test_the_review_shows_each_items_frozen_statistics_and_proposal(db, text, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.review", number=1))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Worked out by hand in conftest.RATINGS.
    s11 = _article(page, "S1.1")
    assert "n 6" in s11 and "Unable to rate 0" in s11
    assert "Median 8" in s11 and "Q1–Q3 7.25–8.75" in s11 and "IQR 1.5" in s11
    assert "Low / middle / high 0% / 0% / 100%" in s11
    assert "Consensus in: 100% rated 7-9 (at least 70% needed)" in s11
    assert "Proposed: Consensus in" in s11
    s12 = _article(page, "S1.2")
    assert "Median 2" in s12 and "Low / middle / high 100% / 0% / 0%" in s12
    assert "Proposed: Consensus out" in s12
    s13 = _article(page, "S1.3")
    assert "Median 5" in s13 and "Proposed: Carry forward" in s13
    # One of six (17%) rated 1-3 and two of six (33%) rated 7-9.
    assert "Low / middle / high 16.7% / 50% / 33.3%" in s13
    assert "No consensus: 33% rated 7-9 and 17% rated 1-3" in s13
    assert '<svg class="histogram" role="img" aria-label="Ratings of S1.1: 1: 0, 2: 0' in page
    assert "style=" not in page
    assert "1 consensus in, 1 consensus out, 1 carried forward, 0 reworded" in text(response)


def test_changing_a_decision_without_a_reason_is_refused(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    ri = _item(db, "S1.1")
    response = client.post(state.url("rounds.decide", number=1, round_item_id=ri.id),
                           data={f"item-{ri.id}-decision": "carry_forward",
                                 f"item-{ri.id}-reason": "  "})
    assert response.status_code == 400
    # The decisions are named as the form names them, not by their stored values.
    page = response.get_data(as_text=True)
    assert ("Item S1.1: the proposed decision is “Consensus in”; give a reason for changing it "
            "to “Carry forward”.") in page
    assert "consensus_in;" not in page
    assert _item(db, "S1.1").decision is Decision.CONSENSUS_IN
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="item.decide")) is None


def test_changing_a_decision_with_a_reason_is_recorded(db, text, client, login_as, closed):
    state = closed()
    user = login_as("coordinator", studies=[state.study])
    ri = _item(db, "S1.1")
    response = client.post(state.url("rounds.decide", number=1, round_item_id=ri.id),
                           data={f"item-{ri.id}-decision": "carry_forward",
                                 f"item-{ri.id}-reason": "Comments show it was misread."},
                           follow_redirects=True)
    assert response.status_code == 200
    said = text(response)
    assert "Item S1.1: decision saved." in said
    assert "Decision: Carry forward (Comments show it was misread.)" in said
    ri = _item(db, "S1.1")
    assert ri.decision is Decision.CARRY_FORWARD
    assert ri.decision_reason == "Comments show it was misread."
    assert ri.decided_by_id == user.id
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="item.decide"))
    assert event.actor == user.email and event.before == {"decision": "consensus_in"}


def test_an_unknown_decision_is_refused(db, client, login_as, closed):
    state = closed()
    login_as("admin")
    ri = _item(db, "S1.1")
    response = client.post(state.url("rounds.decide", number=1, round_item_id=ri.id),
                           data={f"item-{ri.id}-decision": "reworded"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _item(db, "S1.1").decision is Decision.CONSENSUS_IN


def test_deciding_after_the_next_round_was_prepared_is_refused(db, client, login_as, closed):
    state = closed()
    prepare_next_round(state.study)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    ri = _item(db, "S1.1")
    response = client.post(state.url("rounds.decide", number=1, round_item_id=ri.id),
                           data={f"item-{ri.id}-decision": "consensus_out",
                                 f"item-{ri.id}-reason": "Too late."})
    assert response.status_code == 400
    assert "Round 2 has already been prepared; round 1&#39;s decisions are final." in \
        response.get_data(as_text=True)
    assert _item(db, "S1.1").decision is Decision.CONSENSUS_IN


def test_an_item_of_another_round_is_not_found(db, client, login_as, closed, running):
    state = closed()
    other = running(slug="other-study")
    login_as("admin")
    foreign = other.round_.round_items[0]
    response = client.post(state.url("rounds.decide", number=1, round_item_id=foreign.id),
                           data={f"item-{foreign.id}-decision": "consensus_out",
                                 f"item-{foreign.id}-reason": "Tampered."})
    assert response.status_code == 404
    assert client.get(state.url("rounds.reword", number=1, round_item_id=foreign.id)).status_code == 404


def test_rewording_an_item_links_the_new_wording_to_the_old(db, text, client, login_as, closed):
    state = closed()
    user = login_as("coordinator", studies=[state.study])
    ri = _item(db, "S1.3")
    url = state.url("rounds.reword", number=1, round_item_id=ri.id)
    page = client.get(url)
    assert page.status_code == 200
    assert "Guidance item 1.3." in page.get_data(as_text=True)

    response = client.post(url, data={"text": "Agree a plan with the family within a week.",
                                      "reason": "Panellists found the wording vague."},
                           follow_redirects=True)
    assert response.status_code == 200
    said = text(response)
    assert "Item S1.3 is reworded as S1.3-v2 for the next round." in said
    assert "Reworded as S1.3-v2: “Agree a plan with the family within a week.”" in said
    assert "Save decision for S1.3" not in said
    new = db.session.scalar(db.select(Item).filter_by(code="S1.3-v2"))
    assert new.origin is ItemOrigin.REWORDING
    assert new.reworded_from.code == "S1.3"
    assert new.rewording_reason == "Panellists found the wording vague."
    ri = _item(db, "S1.3")
    assert ri.decision is Decision.REWORDED and ri.text == "Guidance item 1.3."
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="item.reword"))
    assert event.actor == user.email


def test_rewording_needs_a_reason_and_new_words(db, client, login_as, closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    ri = _item(db, "S1.3")
    url = state.url("rounds.reword", number=1, round_item_id=ri.id)
    response = client.post(url, data={"text": "A new wording.", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason for the rewording." in response.get_data(as_text=True)
    response = client.post(url, data={"text": "Guidance item 1.3.", "reason": "Same words."})
    assert response.status_code == 400
    assert "Item S1.3: the new wording is the same as the old." in response.get_data(as_text=True)
    response = client.post(url, data={"text": "New words.", "reason": "Clash.", "code": "S1.1"})
    assert response.status_code == 400
    assert "Item code S1.1 is already used in study test-study." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Item.id).filter_by(origin=ItemOrigin.REWORDING)) is None
    assert _item(db, "S1.3").decision is Decision.CARRY_FORWARD


def _suggestion(db, state, kind=SuggestionKind.NEW_ITEM, text="Ask about housing.", item=None):
    suggestion = Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id, kind=kind,
                            section_id=state.study.sections[0].id, text=text,
                            item_id=item.id if item else None)
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def test_rewording_from_a_panellists_suggestion(db, text, client, login_as, closed):
    state = closed()
    ri = _item(db, "S1.3")
    suggestion = _suggestion(db, state, SuggestionKind.REWORDING, "Say who makes the plan.",
                             item=ri.item)
    login_as("coordinator", studies=[state.study])
    review = text(client.get(state.url("rounds.review", number=1)))
    assert "Rewording of S1.3 from P001" in review
    url = state.url("rounds.reword", number=1, round_item_id=ri.id)
    form = client.get(f"{url}?suggestion={suggestion.id}").get_data(as_text=True)
    assert "Say who makes the plan.</textarea>" in form
    response = client.post(url, data={"text": "Say who makes the plan.", "reason": "P001's wording.",
                                      "suggestion": str(suggestion.id)})
    assert response.status_code == 302
    db.session.expire_all()
    suggestion = db.session.get(Suggestion, suggestion.id)
    assert suggestion.status is SuggestionStatus.ACCEPTED
    assert suggestion.resulting_item.code == "S1.3-v2"


def test_accepting_a_suggestion_adds_an_item(db, text, client, login_as, closed):
    state = closed()
    suggestion = _suggestion(db, state)
    login_as("coordinator", studies=[state.study])
    prefix = f"suggestion-{suggestion.id}-"
    response = client.post(state.url("rounds.suggestion", number=1, suggestion_id=suggestion.id),
                           data={prefix + "action": "accept", prefix + "code": "S1.4",
                                 prefix + "text": "Ask about housing and money.",
                                 prefix + "section": str(state.study.sections[0].id)},
                           follow_redirects=True)
    assert response.status_code == 200
    said = text(response)
    assert "Item S1.4 is added for the next round." in said
    assert "Accepted as S1.4." in said
    item = db.session.scalar(db.select(Item).filter_by(code="S1.4"))
    assert item.origin is ItemOrigin.SUGGESTION and item.text == "Ask about housing and money."
    assert db.session.get(Suggestion, suggestion.id).resulting_item_id == item.id


def test_accepting_a_suggestion_needs_a_free_code(db, client, login_as, closed):
    state = closed()
    suggestion = _suggestion(db, state)
    login_as("coordinator", studies=[state.study])
    prefix = f"suggestion-{suggestion.id}-"
    url = state.url("rounds.suggestion", number=1, suggestion_id=suggestion.id)
    data = {prefix + "action": "accept", prefix + "text": "Ask about housing.",
            prefix + "section": str(state.study.sections[0].id)}
    response = client.post(url, data={**data, prefix + "code": ""})
    assert response.status_code == 400
    assert "Give the new item a code." in response.get_data(as_text=True)
    response = client.post(url, data={**data, prefix + "code": "S1.2"})
    assert response.status_code == 400
    assert "Item code S1.2 is already used in study test-study." in response.get_data(as_text=True)
    response = client.post(url, data={**data, prefix + "code": "S1.9", prefix + "section": "99999"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    del data[prefix + "section"]
    response = client.post(url, data={**data, prefix + "code": "S1.9"})
    assert response.status_code == 400
    assert "Choose the section of the new item." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.PENDING
    assert db.session.scalar(db.select(Item.id).filter_by(origin=ItemOrigin.SUGGESTION)) is None


def test_declining_a_suggestion(db, text, client, login_as, closed):
    state = closed()
    suggestion = _suggestion(db, state)
    login_as("coordinator", studies=[state.study])
    url = state.url("rounds.suggestion", number=1, suggestion_id=suggestion.id)
    response = client.post(url, data={f"suggestion-{suggestion.id}-action": "decline"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "The suggestion is declined." in text(response)
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.DECLINED
    again = client.post(url, data={f"suggestion-{suggestion.id}-action": "decline"})
    assert again.status_code == 400
    assert f"Suggestion {suggestion.id} was already declined." in again.get_data(as_text=True)


def test_the_review_of_round_2_shows_stability(db, client, login_as, closed, submit, text):
    from delphi.rounds.lifecycle import close_round
    from delphi.rounds.review import launch_next_round

    state = closed()
    round_2 = launch_next_round(state.study)
    # S1.3 is carried forward; panellist 1 moves from 1 to 5, the other five keep their rating:
    # 1 of 6 changed, 16.7%, not below the 15% that counts as stable.
    for k, panellist in enumerate(state.panel):
        submit(round_2, panellist, {"S1.3": [5, 5, 9, 5, 5, 9][k]})
    close_round(round_2)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.review", number=2))
    assert response.status_code == 200
    assert "Stability since round 1 not stable: 16.7% of 6 changed" in text(response)


def test_the_review_of_round_2_does_not_compare_a_rewording(db, client, login_as, closed,
                                                            submit, text):
    from delphi.rounds.lifecycle import close_round
    from delphi.rounds.review import launch_next_round, reword_item

    state = closed()
    reword_item(_item(db, "S1.3"), "Guidance item 1.3, reworded.", reason="Ambiguous.")
    round_2 = launch_next_round(state.study)
    new_code = next(ri.code for ri in round_2.round_items if ri.code != "S1.3")
    # Everyone rates the new wording as they rated the old: nothing would look changed.
    for k, panellist in enumerate(state.panel):
        submit(round_2, panellist, {new_code: [1, 5, 9, 5, 5, 9][k]})
    close_round(round_2)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    response = client.get(state.url("rounds.review", number=2))
    assert response.status_code == 200
    assert "Stability since round 1 not comparable (reworded)" in text(response)
    assert "stable: 0% of 6 changed" not in text(response)
