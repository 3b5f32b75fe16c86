"""The round lifecycle operations called directly: open, close, answers, decide, review, next."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from delphi.models import (Decision, Item, ItemOrigin, OutboxMessage, Rating, Response,
                           ResponseStatus, Round, RoundState, StudyStatus, Suggestion,
                           SuggestionKind, SuggestionStatus, utcnow)
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.errors import AnswerError, RoundError
from delphi.rounds.lifecycle import close_round, current_round, decide, open_round, open_round_of
from delphi.rounds.review import (add_item_from_suggestion, complete_study, decline_suggestion,
                                  launch_next_round, prepare_next_round, reword_item)


@pytest.fixture
def study(make_study, make_panel):
    study = make_study(sections=2, items_per_section=2)
    make_panel(study, n=5)
    return study


def test_round_one_holds_every_active_item_and_invites_the_active_panel(db, study, make_panel):
    study.items[1].retired = True
    withdrawn = make_panel(study, n=1)[0]
    withdrawn.withdrawn_at = utcnow()

    round_ = open_round(study, closes_at=utcnow().replace(year=utcnow().year + 1))

    assert round_.number == 1 and round_.state is RoundState.OPEN
    assert [ri.code for ri in round_.round_items] == ["S1.1", "S2.1", "S2.2"]
    assert [ri.text for ri in round_.round_items][0] == "Guidance item 1.1."
    assert len(round_.responses) == 5
    assert withdrawn.id not in {r.panellist_id for r in round_.responses}
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(messages) == 5
    assert "Round 1 of the Delphi consultation" in messages[0].body
    assert round_.settings["rule"] == "comet"
    assert study.status is StudyStatus.RUNNING and study.consensus_locked
    assert open_round_of(study) is round_ and current_round(study) is round_


def test_a_study_without_items_cannot_open(make_study):
    study = make_study(sections=1, items_per_section=0)
    with pytest.raises(RoundError, match="Round 1 has no items to rate."):
        open_round(study)


def test_an_invalid_consensus_definition_stops_round_one(study):
    study.scale_max = 5
    study.consensus_rule = study.consensus_rule.__class__("rand")
    with pytest.raises(RoundError, match="The study's consensus definition is not valid: .*RAND/UCLA rule needs the 1-9 scale"):
        open_round(study)


def test_only_submitted_responses_count_and_the_summary_is_frozen(db, study, submit):
    round_ = open_round(study)
    panel = [r.panellist for r in sorted(round_.responses, key=lambda r: r.panellist_id)]
    for panellist, value in zip(panel[:4], [7, 8, 9, 9]):
        submit(round_, panellist, {"S1.1": value})
    draft = response_for(round_, panel[4])
    save_answers(draft, [Answer(round_.round_items[0].id, value=1)], submit=False)
    assert draft.status is ResponseStatus.DRAFT

    close_round(round_)
    db.session.commit()

    frozen = db.session.get(Round, round_.id).round_items[0].summary
    assert frozen["n"] == 4  # the draft's 1 is not counted
    assert frozen["counts"]["1"] == 0 and frozen["counts"]["9"] == 2
    assert frozen["median"] == 8.5  # of 7, 8, 9, 9
    assert round_.round_items[0].status == "none"  # 4 ratings: fewer than the minimum of 5
    panel[0].withdrawn_at = utcnow()
    round_.round_items[0].item.retired = True
    db.session.commit()
    assert db.session.get(Round, round_.id).round_items[0].summary == frozen


def test_answers_are_checked_whole_before_anything_is_written(db, study):
    round_ = open_round(study)
    response = round_.responses[0]
    first, second = round_.round_items[0].id, round_.round_items[1].id
    cases = [
        ([Answer(first, value=5), Answer(second, value=10)], "rating 10 is outside the scale 1 to 9"),
        ([Answer(first, value=5), Answer(first, value=6)], "is answered twice"),
        ([Answer(first, value=5, unable=True)], "choose a rating or unable to rate, not both"),
        ([Answer(999_999, value=5)], "Item 999999 is not in round 1."),
    ]
    for answers, message in cases:
        with pytest.raises(AnswerError, match=message):
            save_answers(response, answers, submit=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 0
    study.unable_to_rate = False
    with pytest.raises(AnswerError, match="this study does not offer unable to rate"):
        save_answers(response, [Answer(first, unable=True)], submit=True)


def test_submitting_again_replaces_the_answers(db, study, submit):
    round_ = open_round(study)
    panellist = round_.responses[0].panellist
    submit(round_, panellist, {"S1.1": 3, "S1.2": "U"}, comments={"S1.1": " first "})
    submit(round_, panellist, {"S1.1": 6})
    ratings = {r.round_item.code: (r.value, r.unable, r.comment)
               for r in response_for(round_, panellist).ratings}
    assert ratings == {"S1.1": (6, False, None), "S1.2": (None, True, None)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)
                             .filter_by(panellist_id=panellist.id)) == 1


def test_rating_in_a_closed_round_or_after_withdrawal_is_refused(db, study, submit):
    round_ = open_round(study)
    panellist = round_.responses[0].panellist
    panellist.withdrawn_at = utcnow()
    with pytest.raises(RoundError, match="This panellist has withdrawn from the study."):
        submit(round_, panellist, {"S1.1": 5})
    close_round(round_)
    with pytest.raises(RoundError, match="Round 1 is closed; answers can no longer be changed."):
        submit(round_, round_.responses[1].panellist, {"S1.1": 5})


def test_illegal_transitions_say_what_state_the_round_is_in(study):
    with pytest.raises(RoundError, match="The next round is prepared after a round closes; not started."):
        prepare_next_round(study)
    round_ = open_round(study)
    with pytest.raises(RoundError, match="Round 1 is open; close it before opening another round."):
        open_round(study)
    with pytest.raises(RoundError, match="Round 1 is still open; close it first."):
        complete_study(study)
    close_round(round_)
    with pytest.raises(RoundError, match="Round 1 is closed; only an open round can be closed."):
        close_round(round_)
    with pytest.raises(RoundError, match=r"Round 1 is closed; review its items and prepare round 2"):
        open_round(study)
    draft = prepare_next_round(study)
    with pytest.raises(RoundError, match="Round 2 is draft; only an open round can be closed."):
        close_round(draft)
    with pytest.raises(RoundError, match="Round 2 has already been prepared; round 1's decisions are final."):
        decide(round_.round_items[0], Decision.CONSENSUS_IN, reason="late")


def test_the_database_allows_one_open_round_per_study(db, study):
    open_round(study)
    db.session.add(Round(study=study, number=2, state=RoundState.OPEN))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_allows_one_rating_per_response_and_item(db, study, submit):
    round_ = open_round(study)
    response = submit(round_, round_.responses[0].panellist, {"S1.1": 5})
    db.session.add(Rating(response_id=response.id, round_item_id=round_.round_items[0].id, value=6))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_review_decisions_rewording_suggestions_and_the_next_round(db, study, submit):
    round_ = open_round(study)
    panellists = [r.panellist for r in round_.responses]
    for panellist in panellists:
        submit(round_, panellist, {"S1.1": 9, "S1.2": 5, "S2.1": 1, "S2.2": 5})
    suggestions = [Suggestion(round=round_, panellist_id=panellists[0].id, kind=SuggestionKind.NEW_ITEM,
                              section=study.sections[1], text=text) for text in ("Add this.", "And this.")]
    db.session.add_all(suggestions)
    close_round(round_)
    s11, s12, s21, s22 = round_.round_items
    assert [ri.decision for ri in round_.round_items] == [
        Decision.CONSENSUS_IN, Decision.CARRY_FORWARD, Decision.CONSENSUS_OUT, Decision.CARRY_FORWARD]

    decide(s22, Decision.CONSENSUS_IN, reason="The team judged it essential.")
    assert (s22.decision, s22.decision_reason) == (Decision.CONSENSUS_IN, "The team judged it essential.")
    decide(s22, Decision.CARRY_FORWARD)  # back to the proposal: no reason needed, none kept
    assert s22.decision_reason is None
    with pytest.raises(RoundError, match="Item S1.2: give a reason for the rewording."):
        reword_item(s12, "New words.", reason=" ")
    new = reword_item(s12, "New words.", reason="Clearer.")
    assert (new.code, new.origin, new.reworded_from_id) == ("S1.2-v2", ItemOrigin.REWORDING, s12.item_id)
    with pytest.raises(RoundError, match="Item code S2.1 is already used"):
        add_item_from_suggestion(suggestions[0], text="Add this.", section=study.sections[1], code="S2.1")
    added = add_item_from_suggestion(suggestions[0], text="Add this.", section=study.sections[1],
                                     code="S2.3")
    assert suggestions[0].status is SuggestionStatus.ACCEPTED and added.origin is ItemOrigin.SUGGESTION
    decline_suggestion(suggestions[1])
    with pytest.raises(RoundError, match="was already declined"):
        decline_suggestion(suggestions[1])

    second = launch_next_round(study)
    assert second.number == 2 and second.state is RoundState.OPEN
    assert [ri.code for ri in second.round_items] == ["S1.2-v2", "S2.2", "S2.3"]
    assert db.session.scalar(sa.select(Item.text).filter_by(code="S1.2")) == "Guidance item 1.2."


def test_nothing_carried_forward_means_complete_the_study(db, study, submit):
    round_ = open_round(study)
    for response in round_.responses:
        submit(round_, response.panellist, {"S1.1": 9, "S1.2": 9, "S2.1": 1, "S2.2": 1})
    close_round(round_)
    with pytest.raises(RoundError, match="No item is carried forward from round 1"):
        prepare_next_round(study)
    complete_study(study)
    assert study.status is StudyStatus.COMPLETE
    with pytest.raises(RoundError, match="is complete; no more rounds can be opened"):
        open_round(study)


def test_rewording_twice_or_deciding_after_a_rewording_leaves_one_wording(db, study):
    round_ = open_round(study)
    close_round(round_)
    s11, s12 = round_.round_items[0], round_.round_items[1]
    reword_item(s12, "First try.", reason="Clearer.")
    second = reword_item(s12, "Second try.", reason="Clearer still.")
    assert second.code == "S1.2-v3"
    reword_item(s11, "Other words.", reason="Shorter.")
    decide(s11, Decision.CARRY_FORWARD)  # the team changed its mind: the old wording stays

    next_round = prepare_next_round(study)
    assert [(ri.code, ri.text) for ri in next_round.round_items] == [
        ("S1.1", "Guidance item 1.1."), ("S1.2-v3", "Second try."),
        ("S2.1", "Guidance item 2.1."), ("S2.2", "Guidance item 2.2.")]
