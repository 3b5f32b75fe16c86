"""Fixtures for the panellist pages: a study with round 1 open, and one in round 2 with feedback."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from delphi.models import Panellist, Round, Study
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round

# Round 1 ratings of item S1.1 by six panellists, chosen so that by hand (Hyndman & Fan type 7):
# sorted 2 5 7 8 8 9 -> median 7.5, Q1 = 5 + 0.25 * (7 - 5) = 5.5, Q3 = 8 + 0.75 * (8 - 8) = 8;
# 4 of 6 in 7-9 = 67% (below 70%: no consensus, carried forward).
S11_RATINGS = [7, 8, 8, 9, 5, 2]
# S2.3 reaches consensus (all six in 7-9) and is listed for information in round 2.
S23_RATINGS = [8, 9, 8, 9, 8, 9]
# Every other item gets a spread that reaches no consensus, so it is carried forward.
SPREAD = [1, 3, 5, 7, 9, 5]

def path(panellist: Panellist, rest: str = "") -> str:
    """The panellist's personal link path, plus ``rest``."""
    return f"/p/{token_for(panellist)}{rest}"


@dataclass
class Setting:
    study: Study
    panel: list[Panellist]
    round: Round

    @property
    def me(self) -> Panellist:
        return self.panel[0]

    def url(self, rest: str = "", panellist: Panellist | None = None) -> str:
        return path(panellist or self.me, rest)

    def section_url(self, index: int = 1, panellist: Panellist | None = None) -> str:
        return self.url(f"/round/{self.round.number}/section/{index}", panellist)

    def item(self, code: str):
        return next(ri for ri in self.round.round_items if ri.code == code)


@pytest.fixture
def round_one(db, make_study, make_panel):
    """A study of two sections of three items, six panellists, round 1 open."""
    def make(**settings) -> Setting:
        study = make_study(**settings)
        panel = make_panel(study, n=6)
        round_ = open_round(study)
        db.session.commit()
        return Setting(study, panel, round_)

    return make


@pytest.fixture
def round_two(db, round_one, submit):
    """Round 1 rated by all six panellists (S1.1 and S2.3 as above, two comments on S1.1),
    closed, S1.2 reworded, and round 2 open."""
    def make(**settings) -> Setting:
        from delphi.rounds.review import reword_item

        setting = round_one(**settings)
        round1 = setting.round
        codes = [ri.code for ri in round1.round_items]
        for k, panellist in enumerate(setting.panel):
            ratings = {code: SPREAD[k] for code in codes}
            ratings["S1.1"] = S11_RATINGS[k]
            ratings["S2.3"] = S23_RATINGS[k]
            comments = {"S1.1": f"Zebra remark {k}" if k == 0 else f"Aardvark remark {k}"} \
                if k < 2 else None
            submit(round1, panellist, ratings, comments)
        close_round(round1)
        reword_item(next(ri for ri in round1.round_items if ri.code == "S1.2"),
                    "Guidance item 1.2, said more clearly.", reason="Panellists found it vague.")
        round2 = launch_next_round(setting.study)
        db.session.commit()
        return Setting(setting.study, setting.panel, round2)

    return make
