"""Panellists' suggestions: a new item for a section, or a new wording of an item."""

from __future__ import annotations

from delphi.extensions import db
from delphi.models import RoundState, Suggestion, SuggestionKind
from delphi.questionnaire.standing import Questionnaire
from delphi.rounds.errors import AnswerError, RoundError
from delphi.validation import COMMENT_MAX_LENGTH, text_problem


def suggest(
    questionnaire: Questionnaire,
    kind: SuggestionKind,
    text: str,
    *,
    section_id: int | None = None,
    item_id: int | None = None,
) -> Suggestion:
    """Store a suggestion for the research team to review between rounds (flushes)."""
    round_ = questionnaire.round
    if round_.state is not RoundState.OPEN:
        raise RoundError(
            f"Round {round_.number} is {round_.state.value}; "
            "suggestions are taken while a round is open."
        )
    if not questionnaire.panellist.active:
        raise RoundError("This panellist has withdrawn from the study.")
    text = text.strip()
    if not text:
        raise AnswerError("The suggestion is empty.", "text")
    problem = text_problem(text, max_length=COMMENT_MAX_LENGTH, multiline=True)
    if problem:
        raise AnswerError(f"The suggestion {problem}", "text")
    if kind is SuggestionKind.REWORDING:
        round_item = next((ri for ri in questionnaire.round_items if ri.item_id == item_id), None)
        if round_item is None:
            raise AnswerError(f"Item {item_id} is not in round {round_.number}.", "item")
        section_id = round_item.section_id
    elif section_id not in {part.section.id for part in questionnaire.sections}:
        raise AnswerError(f"Section {section_id} is not in round {round_.number}.", "section")
    suggestion = Suggestion(
        round_id=round_.id,
        panellist_id=questionnaire.panellist.id,
        kind=kind,
        section_id=section_id,
        item_id=item_id if kind is SuggestionKind.REWORDING else None,
        text=text,
    )
    db.session.add(suggestion)
    db.session.flush()
    return suggestion
