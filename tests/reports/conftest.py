"""A two-round Delphi built with the shared fixtures, and the ratings it was given.

Round 1 rates four items; S1.1 reaches consensus in, S2.1 consensus out, S1.2 is carried
forward, S2.2 is reworded as S2.2-v2, and a panellist's suggestion becomes S1.3. Round 2 rates
S1.2, S2.2-v2 and S1.3. The ratings are kept here so tests can compute every number themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from delphi.models import Round, Study, Suggestion, SuggestionKind
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import add_item_from_suggestion, launch_next_round, reword_item

SCRIPT = "<script>alert('x')</script> keep the plan short"
FORMULA = '=HYPERLINK("http://evil.example","click")'

# {code: [rating of P001, P002, ...]}; "U" unable to rate, None left out. P008 never submits
# round 1; P007 does not submit round 2.
ROUND_1 = {
    "S1.1": [7, 8, 9, 9, 8, 7, 9],
    "S1.2": [1, 5, 9, 3, 7, 2, 8],
    "S2.1": [1, 2, 1, 3, 2, 1, 2],
    "S2.2": [5, "U", 6, None, 4, 5, "U"],
}
ROUND_1_COMMENTS = {0: {"S1.2": FORMULA}, 2: {"S1.2": SCRIPT}, 4: {"S1.1": "Essential."}}
ROUND_2 = {
    "S1.2": [2, 5, 8, 3, 7, None, None, 6],
    "S2.2-v2": [7, 8, 7, 9, 8, None, None, 8],
    "S1.3": [6, 7, "U", 7, 8, None, None, 9],
}
ROUND_2_RESPONDERS = [0, 1, 2, 3, 4, 5, 7]  # P006 submits without answering these items


@dataclass
class TwoRounds:
    study: Study
    round1: Round
    round2: Round
    ratings: dict[int, dict[str, list]]
    groups: list[str]  # group of P001, P002, ...


def _submit(submit, round_, panellists, ratings, responders, comments=None):
    for index in responders:
        answers = {code: values[index] for code, values in ratings.items()
                   if values[index] is not None}
        submit(round_, panellists[index], answers, (comments or {}).get(index))


@pytest.fixture
def two_rounds(db, make_study, make_panel, submit) -> TwoRounds:
    study = make_study(slug="two-rounds", sections=2, items_per_section=2, min_ratings=3,
                       min_group_size=3)
    panellists = make_panel(study, n=8)
    round1 = open_round(study)
    _submit(submit, round1, panellists, ROUND_1, range(7), ROUND_1_COMMENTS)
    close_round(round1)

    by_code = {ri.code: ri for ri in round1.round_items}
    reword_item(by_code["S2.2"], "Reworded guidance item 2.2.",
                reason="Panellists found the wording ambiguous.")
    suggestion = Suggestion(round=round1, panellist_id=panellists[0].id,
                            kind=SuggestionKind.NEW_ITEM, section=study.sections[0],
                            text="Agree how often to meet.")
    db.session.add(suggestion)
    db.session.flush()
    add_item_from_suggestion(suggestion, text="Agree how often to meet.",
                             section=study.sections[0], code="S1.3")
    round2 = launch_next_round(study)
    _submit(submit, round2, panellists, ROUND_2, ROUND_2_RESPONDERS)
    close_round(round2)
    db.session.commit()
    return TwoRounds(study=study, round1=round1, round2=round2,
                     ratings={1: ROUND_1, 2: ROUND_2}, groups=[p.group for p in panellists])
