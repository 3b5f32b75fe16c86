"""A new wording's code is derived from the old one ("S1.3" becomes "S1.3-v2"); derived from a
code of the longest length, it must still fit the column (PostgreSQL enforces varchar(40))."""
from __future__ import annotations

from datetime import timedelta

from delphi.models import Item, RoundItem, Suggestion, SuggestionKind, utcnow
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import reword_item


def test_rewording_an_item_with_a_forty_character_code_gives_a_code_that_fits(
        db, make_study, make_panel):
    study = make_study(sections=1, items_per_section=1)
    long_code = "A" * 40
    study.items[0].code = long_code
    make_panel(study, n=2)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=7))
    close_round(round_)
    db.session.commit()
    round_item = db.session.scalar(db.select(RoundItem).filter_by(round_id=round_.id))

    first = reword_item(round_item, "A clearer wording.", reason="Vague.")
    db.session.commit()

    assert first.code == "A" * 37 + "-v2"
    assert len(first.code) == 40
    db.session.expire_all()
    assert db.session.scalar(db.select(Item.text).filter_by(code=first.code)) == \
        "A clearer wording."


def test_a_new_wordings_code_and_text_follow_the_rules_of_every_item(db, client, login_as,
                                                                     closed):
    state = closed()
    login_as("coordinator", studies=[state.study])
    round_item = db.session.scalar(db.select(RoundItem).filter_by(code="S1.3"))
    url = state.url("rounds.reword", number=1, round_item_id=round_item.id)
    # The form applies delphi.validation's rules and names its field, as the content forms do.
    for data, message in (
        ({"code": "=HYPERLINK(1)"},
         "New code (leave empty for the next version of the old code): must start with a letter"),
        ({"text": "New\x00words."},
         "New wording: contains a control character (U+0000) at character 4"),
        ({"reason": "Vague\x1b."}, "Reason for the rewording: contains a control character"),
    ):
        response = client.post(url, data={"text": "New words.", "reason": "Vague."} | data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(
        db.select(Item.id).filter_by(reworded_from_id=round_item.item_id)) is None


def test_a_suggested_items_code_and_wording_follow_the_same_rules(db, client, login_as, closed):
    state = closed()
    suggestion = Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id,
                            kind=SuggestionKind.NEW_ITEM, text="Ask about housing.",
                            section_id=state.study.sections[0].id)
    db.session.add(suggestion)
    db.session.commit()
    login_as("coordinator", studies=[state.study])
    prefix = f"suggestion-{suggestion.id}-"
    url = state.url("rounds.suggestion", number=1, suggestion_id=suggestion.id)
    accept = {prefix + "action": "accept", prefix + "code": "S1.9",
              prefix + "text": "Ask about housing.",
              prefix + "section": str(state.study.sections[0].id)}
    for data, message in (
        ({prefix + "code": "S1 9"}, "Code of the new item: must start with a letter or digit"),
        ({prefix + "text": "A" * 2001},
         "Wording of the new item: is 2,001 characters long; the limit is 2,000."),
    ):
        response = client.post(url, data=accept | data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).resulting_item_id is None
    assert db.session.scalar(db.select(Item.id).filter_by(code="S1.9")) is None
