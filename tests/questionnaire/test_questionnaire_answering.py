"""Answering round 1: drafts, autosave, review, submission, changes, suggestions, late closes."""
from __future__ import annotations

import pytest

from delphi.models import (Rating, Response, ResponseStatus, SectionComment, Suggestion,
                           SuggestionKind)
from delphi.rounds.answers import Answer, save_answers
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import close_round
from delphi.rounds.matrix import ratings_matrix


def _response(db, setting):
    db.session.expire_all()
    return db.session.scalar(db.select(Response).filter_by(
        round_id=setting.round.id, panellist_id=setting.me.id))


def _ratings(db, setting) -> dict[str, tuple]:
    response = _response(db, setting)
    return {r.round_item.code: (r.value, r.unable, r.comment) for r in response.ratings}


def test_save_draft_leave_and_come_back(client, db, round_one):
    setting = round_one()
    s11, s12, s13 = (setting.item(c) for c in ("S1.1", "S1.2", "S1.3"))
    section = setting.round.round_items[0].section_id
    posted = client.post(setting.section_url(1), data={
        f"rating-{s11.id}": "7", f"comment-{s11.id}": "  Essential in practice. ",
        f"rating-{s12.id}": "unable", f"comment-{s12.id}": "",
        f"comment-{s13.id}": "", f"section-comment-{section}": "A clear section.",
        "action": "save",
    })
    assert posted.status_code == 302 and posted.location.endswith("/section/1")
    assert _ratings(db, setting) == {"S1.1": (7, False, "Essential in practice."),
                                     "S1.2": (None, True, None), "S1.3": (None, False, None)}
    assert _response(db, setting).status is ResponseStatus.DRAFT
    assert db.session.scalar(db.select(SectionComment.comment)) == "A clear section."

    again = client.get(setting.section_url(1), follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "Your answers are saved as a draft" in page
    assert f'id="rating-{s11.id}-7" name="rating-{s11.id}" value="7" checked' in page
    assert f'value="unable" checked' in page
    assert "Essential in practice." in page and "A clear section." in page
    assert "Rated 1 of 6, 1 unable to rate" in client.get(setting.url()).get_data(as_text=True)


def test_save_and_next_moves_on_and_the_last_section_leads_to_review(client, db, round_one):
    setting = round_one()
    s21 = setting.item("S2.1")
    first = client.post(setting.section_url(1), data={"action": "next"})
    assert first.status_code == 302 and first.location.endswith("/section/2")
    last = client.post(setting.section_url(2), data={f"rating-{s21.id}": "4", "action": "next"})
    assert last.status_code == 302 and last.location.endswith("/review")
    assert _ratings(db, setting)["S2.1"] == (4, False, None)


def test_autosave_answers_json_and_stores_the_draft(client, db, round_one):
    setting = round_one()
    s11 = setting.item("S1.1")
    response = client.post(setting.url("/round/1/autosave"), data={f"rating-{s11.id}": "3"})
    assert response.status_code == 200
    assert response.json["status"] == "saved" and "Draft saved at" in response.json["message"]
    assert response.json["progress"] == "Rated 1 of 6"
    assert response.json["sections"] == {"1": "(1/3)", "2": "(0/3)"}  # for the section list
    assert _ratings(db, setting)["S1.1"] == (3, False, None)


def test_review_lists_unrated_items_then_submission_is_confirmed(client, db, round_one):
    setting = round_one()
    s11 = setting.item("S1.1")
    client.post(setting.section_url(1), data={f"rating-{s11.id}": "9"})
    review = client.get(setting.url("/round/1/review"))
    page = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "You have rated <strong>1 of 6</strong> items." in page
    assert "Items you have not rated (5)" in page
    for code in ("S1.2", "S1.3", "S2.1", "S2.2", "S2.3"):
        assert f'<span class="code">{code}</span>' in page
    done = client.post(setting.url("/round/1/submit"), follow_redirects=True)
    assert done.status_code == 200
    assert "Thank you: your answers are submitted" in done.get_data(as_text=True)
    assert _response(db, setting).status is ResponseStatus.SUBMITTED
    assert ratings_matrix(setting.round).panellist_ids == [setting.me.id]


def test_submitted_answers_stay_editable_while_the_round_is_open(client, db, round_one, submit):
    setting = round_one()
    submit(setting.round, setting.me, {"S1.1": 2})
    db.session.commit()
    s11 = setting.item("S1.1")
    client.post(setting.section_url(1), data={f"rating-{s11.id}": "6"})
    assert _ratings(db, setting)["S1.1"] == (6, False, None)
    assert _response(db, setting).status is ResponseStatus.SUBMITTED


def test_round_closed_while_answering_keeps_the_draft_read_only_and_uncounted(client, db,
                                                                             round_one):
    setting = round_one()
    s11 = setting.item("S1.1")
    client.get(setting.url())
    close_round(setting.round)
    db.session.commit()
    refused = client.post(setting.section_url(1), data={f"rating-{s11.id}": "8",
                                                        f"comment-{s11.id}": "Late words."})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Round 1 closed before your answers were submitted" in page
    assert "Your draft (read-only)" in page and "Rated 8" in page and "Late words." in page
    assert 'type="radio"' not in page
    assert _response(db, setting).status is ResponseStatus.DRAFT
    assert _ratings(db, setting)["S1.1"] == (8, False, "Late words.")
    assert ratings_matrix(setting.round).panellist_ids == []
    # Submitting is refused too, and the frozen summary still counts nobody.
    submitted = client.post(setting.url("/round/1/submit"))
    assert submitted.status_code == 409
    assert _response(db, setting).status is ResponseStatus.DRAFT
    assert setting.item("S1.1").summary["n"] == 0


def test_a_submitted_response_is_not_changed_after_the_round_closes(client, db, round_one, submit):
    setting = round_one()
    submit(setting.round, setting.me, {"S1.1": 2})
    close_round(setting.round)
    db.session.commit()
    s11 = setting.item("S1.1")
    refused = client.post(setting.section_url(1), data={f"rating-{s11.id}": "9"})
    assert refused.status_code == 409
    assert "The answers you submitted before it closed are the ones counted" in \
        refused.get_data(as_text=True)
    assert _ratings(db, setting)["S1.1"] == (2, False, None)
    autosaved = client.post(setting.url("/round/1/autosave"), data={f"rating-{s11.id}": "9"})
    assert autosaved.status_code == 409 and autosaved.json["status"] == "closed"
    assert _ratings(db, setting)["S1.1"] == (2, False, None)


def test_suggestions_of_a_new_item_and_of_a_rewording_are_stored(client, db, round_one):
    setting = round_one()
    s12 = setting.item("S1.2")
    to_form = client.post(setting.section_url(2), data={"action": "suggest"})
    assert to_form.status_code == 302 and "/suggest?back=2" in to_form.location
    form = client.get(to_form.location)
    assert form.status_code == 200 and "Suggest a new item or a better wording" in form.text
    new = client.post(to_form.location, data={
        "kind": "new_item", "section": str(s12.section_id), "item": "0",
        "text": "Ask about carers' needs."})
    assert new.status_code == 302 and new.location.endswith("/section/2")
    reword = client.post(setting.url("/round/1/suggest"), data={
        "kind": "rewording", "section": "0", "item": str(s12.item_id),
        "text": "Say 'agree a plan' instead."})
    assert reword.status_code == 302
    stored = db.session.scalars(db.select(Suggestion).order_by(Suggestion.id)).all()
    assert [(s.kind, s.section_id, s.item_id, s.text, s.panellist_id) for s in stored] == [
        (SuggestionKind.NEW_ITEM, s12.section_id, None, "Ask about carers' needs.", setting.me.id),
        (SuggestionKind.REWORDING, s12.section_id, s12.item_id, "Say 'agree a plan' instead.",
         setting.me.id),
    ]


def test_an_incomplete_suggestion_is_refused_with_its_errors_linked(client, db, round_one):
    setting = round_one()
    response = client.post(setting.url("/round/1/suggest"), data={
        "kind": "rewording", "section": "0", "item": "0", "text": "Better words."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in page
    assert '<a href="#item">Choose the item you suggest a new wording for.</a>' in page
    assert 'aria-describedby="item-error"' in page
    assert db.session.scalar(db.select(db.func.count(Suggestion.id))) == 0


def test_my_answers_page_shows_every_round(client, db, round_one, submit):
    setting = round_one()
    submit(setting.round, setting.me, {"S1.1": 4})
    db.session.commit()
    page = client.get(setting.url("/answers")).get_data(as_text=True)
    assert "Round 1" in page and "Submitted" in page and "Rated 4" in page
    assert page.count("Not rated") == 5
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 1


def test_save_answers_keeps_a_late_draft_only_for_an_unsubmitted_response(db, round_one, submit):
    setting = round_one()
    other = setting.panel[1]
    submit(setting.round, other, {"S1.1": 3})
    close_round(setting.round)
    s11 = setting.item("S1.1")
    mine = _response(db, setting)
    theirs = db.session.scalar(db.select(Response).filter_by(panellist_id=other.id))
    with pytest.raises(RoundError, match="Round 1 is closed"):
        save_answers(mine, [Answer(s11.id, value=5)], submit=False)
    with pytest.raises(RoundError, match="Round 1 is closed"):
        save_answers(mine, [Answer(s11.id, value=5)], submit=True, late_draft=True)
    with pytest.raises(RoundError, match="Round 1 is closed"):
        save_answers(theirs, [Answer(s11.id, value=5)], submit=False, late_draft=True)
    save_answers(mine, [Answer(s11.id, value=5)], submit=False, late_draft=True)
    assert mine.status is ResponseStatus.DRAFT
    assert {r.round_item_id: r.value for r in theirs.ratings}[s11.id] == 3
    assert ratings_matrix(setting.round).panellist_ids == [other.id]
