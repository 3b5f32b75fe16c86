"""A study that asks for consent (an information sheet and two statements) and three background
questions, with six panellists and round 1 open."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from delphi.consent.background import QuestionSpec, replace_questions
from delphi.consent.operations import set_consent_text
from delphi.models import Panellist, QuestionKind, Round, Study
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round

SHEET = "# About the study\n\nWe ask **you** to rate the guidance."
STATEMENTS = ["I have read the information sheet.", "I agree to take part."]
QUESTIONS = [
    QuestionSpec("role", "Your main role", QuestionKind.SINGLE, True,
                 ("Social worker", "Nurse", "Other")),
    QuestionSpec("years", "Years in practice", QuestionKind.NUMBER, True, (), 0, 60),
    QuestionSpec("settings", "Where you work", QuestionKind.MULTIPLE, False,
                 ("Urban", "Rural")),
]


@dataclass
class Consenting:
    study: Study
    panel: list[Panellist]
    round: Round

    @property
    def me(self) -> Panellist:
        return self.panel[0]

    def url(self, rest: str = "", panellist: Panellist | None = None) -> str:
        return f"/p/{token_for(panellist or self.me)}{rest}"

    def section_url(self, index: int = 1) -> str:
        return self.url(f"/round/{self.round.number}/section/{index}")


@pytest.fixture
def consenting(db, make_study, make_panel):
    def make(questions=True, **settings) -> Consenting:
        study = make_study(**settings)
        set_consent_text(study, sheet=SHEET, statements=STATEMENTS)
        if questions:
            replace_questions(study, QUESTIONS)
        panel = make_panel(study, n=6)
        round_ = open_round(study)
        db.session.commit()
        return Consenting(study, panel, round_)

    return make


ALL_TICKED = {"version": "1", "statement-1": "yes", "statement-2": "yes"}
GOOD_BACKGROUND = {"role": "Nurse", "years": "12", "settings": ["Urban", "Rural"]}


def background_form(setting: Consenting, answers: dict) -> dict:
    """Form fields for the background page from ``{question code: value or list}``."""
    ids = {q.code: q.id for q in _questions(setting)}
    return {f"background-{ids[code]}": value for code, value in answers.items()}


def _questions(setting: Consenting):
    from delphi.consent.background import questions_of

    return questions_of(setting.study)
