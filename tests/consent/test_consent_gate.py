"""The gate before answering reads, in one statement, what the consent and background
operations decide in several: each step of a panellist's way through consent, a changed sheet,
a reconsent, background questions and a withdrawal leads where those operations say."""
from __future__ import annotations

from delphi.consent.background import background_pending, questions_of, save_background
from delphi.consent.gate import gate_for
from delphi.consent.operations import (
    consent_needed,
    current_version,
    record_consent,
    set_consent_text,
    withdraw_consent,
)
from delphi.models import Panellist
from tests.consent.conftest import SHEET, STATEMENTS
from tests.support.statements import counting


def by_operations(panellist: Panellist) -> str | None:
    """Where the operations the questionnaire used to ask one by one send the panellist."""
    if consent_needed(panellist) is not None:
        return "consent"
    return "background" if background_pending(panellist) else None


def gate_and_check(db, panellist: Panellist) -> str | None:
    db.session.flush()
    assert panellist.study_id  # loaded before counting, as the page has it
    with counting() as statements:
        gate = gate_for(panellist)
    assert len(statements) == 1
    assert gate == by_operations(panellist)
    return gate


def answer_background(panellist: Panellist) -> None:
    values = {}
    for question in questions_of(panellist.study):
        values[question.id] = {"role": "Nurse", "years": 12, "settings": ["Urban"]}[question.code]
    save_background(panellist, values)


def agree(panellist: Panellist) -> None:
    version = current_version(panellist.study)
    record_consent(panellist, version, set(range(1, len(version.statements) + 1)))


def test_consent_then_background_then_answering(db, consenting):
    c = consenting()
    me, other = c.panel[0], c.panel[1]
    assert gate_and_check(db, me) == "consent"
    agree(me)
    assert gate_and_check(db, me) == "background"
    answer_background(me)
    assert gate_and_check(db, me) is None
    # A new sheet that does not ask for consent again lets an agreed panellist answer on; one
    # who never agreed is asked to agree to it.
    set_consent_text(c.study, sheet=SHEET + "\n\nA new paragraph.", statements=STATEMENTS)
    assert current_version(c.study).number == 2
    assert gate_and_check(db, me) is None
    assert gate_and_check(db, other) == "consent"
    # A later sheet that asks everyone again sends the agreed panellist back to the gate.
    set_consent_text(c.study, sheet=SHEET + "\n\nChanged again.", statements=STATEMENTS,
                     reconsent=True)
    assert gate_and_check(db, me) == "consent"
    agree(me)
    assert gate_and_check(db, me) is None
    # A sheet emptied of everything asks nobody for consent; questions are still asked.
    set_consent_text(c.study, sheet="", statements=[])
    assert gate_and_check(db, other) == "background"


def test_a_withdrawal_is_not_a_consent(db, consenting):
    c = consenting(questions=False)
    me = c.panel[0]
    agree(me)
    assert gate_and_check(db, me) is None
    withdraw_consent(me)
    assert gate_and_check(db, me) == "consent"


def test_a_study_asking_nothing_lets_everyone_answer(db, make_study, make_panel):
    study = make_study()
    me = make_panel(study, n=2)[0]
    assert gate_and_check(db, me) is None
