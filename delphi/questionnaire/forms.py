"""Reading what a panellist posted: answers to a section, and suggestions.

Every answer form is checked whole before anything is stored. Input that the page could not have
produced (a point off the scale, an item not in this round, a field name that does not exist)
raises ``TamperedInput``, which the views turn into a 400 naming the field. The CSRF token of
every form is checked by Flask-WTF's ``CSRFProtect`` before a view runs.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from delphi.models import SuggestionKind
from delphi.questionnaire.standing import Questionnaire, ShownItem
from delphi.rounds.answers import Answer
from delphi.validation import COMMENT_MAX_LENGTH, fit, text_problem

UNABLE = "unable"
_FIELD = re.compile(r"^(rating|comment|reason|section-comment)-(\d{1,12})$")
_IGNORED = {"csrf_token", "action"}
WORDING_IN_MENU = 80  # characters of an item's wording shown in the suggestion form's menu


def wording_in_menu(text: str) -> str:
    """An item's wording short enough for a menu: whole when it fits, else cut between two words
    with an ellipsis (a single word too long for the menu is cut where it must be)."""
    short = textwrap.shorten(text, width=WORDING_IN_MENU, placeholder=" …")
    return short if short != "…" else fit(" ".join(text.split()), WORDING_IN_MENU)


class TamperedInput(Exception):
    """Posted input the questionnaire page could not have produced; says what and where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class PostedAnswers:
    answers: list[Answer]
    section_comments: dict[int, str]
    # What is wrong with a text as typed (a control character pasted in), by field name: the
    # page is shown again with these messages and nothing is stored.
    problems: dict[str, str]


def parse_answers(form: MultiDict, questionnaire: Questionnaire) -> PostedAnswers:
    """Turn a posted section form into answers for ``save_answers``; raise TamperedInput."""
    in_round = {ri.id: ri for ri in questionnaire.round_items}
    section_ids = {part.section.id for part in questionnaire.sections}
    number = questionnaire.round.number
    fields: dict[int, dict[str, str]] = {}
    section_comments: dict[int, str] = {}
    problems: dict[str, str] = {}
    for name in form:
        if name in _IGNORED:
            continue
        match = _FIELD.match(name)
        if match is None:
            raise TamperedInput(f"The form field {name!r} is not part of this questionnaire.", name)
        values = form.getlist(name)
        if len(values) != 1:
            raise TamperedInput(f"The form field {name!r} was sent {len(values)} times.", name)
        kind, ident = match.group(1), int(match.group(2))
        text = values[0]
        if len(text) > COMMENT_MAX_LENGTH:  # the page's text boxes allow no more
            raise TamperedInput(
                f"The text in {name!r} is longer than {COMMENT_MAX_LENGTH} characters.", name
            )
        if kind == "section-comment":
            if ident not in section_ids:
                raise TamperedInput(f"Section {ident} is not in round {number}.", name)
            section_comments[ident] = text
        else:
            if ident not in in_round:
                raise TamperedInput(f"Item {ident} is not in round {number}.", name)
            fields.setdefault(ident, {})[kind] = text
        if kind != "rating":
            problem = text_problem(text, max_length=COMMENT_MAX_LENGTH, multiline=True)
            if problem:
                problems[name] = f"{_text_label(kind, ident, questionnaire)} {problem}"

    answers = [_answer(in_round[ident], posted, questionnaire) for ident, posted in fields.items()]
    return PostedAnswers(answers=answers, section_comments=section_comments, problems=problems)


def _text_label(kind: str, ident: int, questionnaire: Questionnaire) -> str:
    """How the page names a text box, to start a sentence about what is wrong in it."""
    if kind == "section-comment":
        section = next(p.section for p in questionnaire.sections if p.section.id == ident)
        return f"Your comment on the section “{section.title}”"
    code = next(ri.code for ri in questionnaire.round_items if ri.id == ident)
    return f"Your {'reason for' if kind == 'reason' else 'comment on'} item {code}"


def _answer(round_item: ShownItem, posted: dict[str, str], questionnaire: Questionnaire) -> Answer:
    study = questionnaire.study
    field = f"rating-{round_item.id}"
    raw = posted.get("rating", "").strip()
    value, unable = None, False
    # Only the shape is read here; whether the study offers "unable to rate" and whether the
    # rating is on its scale are the rules of rounds.answers.validate, applied when it is saved.
    if raw == UNABLE:
        unable = True
    elif raw:
        if not re.fullmatch(r"-?\d{1,3}", raw):
            raise TamperedInput(
                f"Item {round_item.code}: the rating {raw!r} is not a point on "
                f"the scale {study.scale_min} to {study.scale_max}.",
                field,
            )
        value = int(raw)
    return Answer(
        round_item.id,
        value=value,
        unable=unable,
        comment=posted.get("comment"),
        reason=posted.get("reason"),
    )


def missing_reasons(
    questionnaire: Questionnaire, answers: list[Answer] | None = None
) -> list[ShownItem]:
    """Items rated outside the group's interquartile range without a reason, when the study asks.

    ``answers`` are checked as posted; without them, the stored ratings are.
    """
    if not questionnaire.study.reason_outside_iqr or not questionnaire.feedback:
        return []
    by_id = {ri.id: ri for ri in questionnaire.round_items}
    if answers is None:
        answers = [
            Answer(r.round_item_id, value=r.value, unable=r.unable, reason=r.reason)
            for r in questionnaire.ratings.values()
        ]
    missing = []
    for answer in answers:
        feedback = questionnaire.feedback.get(answer.round_item_id)
        if (
            feedback is not None
            and feedback.outside_iqr(answer.value)
            and not (answer.reason or "").strip()
        ):
            missing.append(by_id[answer.round_item_id])
    return sorted(missing, key=lambda ri: ri.position)


class SuggestionForm(FlaskForm):
    """A new item for a section, or a new wording of an item in this round."""

    kind = RadioField(
        "What would you like to suggest?",
        choices=[
            SelectChoice(SuggestionKind.NEW_ITEM.value, "A new item"),
            SelectChoice(SuggestionKind.REWORDING.value, "A new wording for an item"),
        ],
        validators=[DataRequired("Choose whether you suggest a new item or a new wording.")],
    )
    section = SelectField("Section for a new item", coerce=int, validators=[Optional()])
    item = SelectField("Item to reword", coerce=int, validators=[Optional()])
    text = TextAreaField("Your suggestion", validators=[DataRequired("Write your suggestion.")])

    def __init__(self, questionnaire: Questionnaire, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = [SelectChoice("0", "Choose a section")] + [
            SelectChoice(str(part.section.id), f"{part.section.code}: {part.section.title}")
            for part in questionnaire.sections
        ]
        self.item.choices = [SelectChoice("0", "Choose an item")] + [
            SelectChoice(str(ri.item_id), f"{ri.code}: {wording_in_menu(ri.text)}")
            for ri in questionnaire.round_items
        ]

    def validate_text(self, field: TextAreaField) -> None:
        problem = text_problem(field.data or "", max_length=COMMENT_MAX_LENGTH, multiline=True)
        if problem:
            raise ValidationError(f"Your suggestion {problem}")

    def validate(self, extra_validators=None) -> bool:
        """Check every field, then that the section or item the kind needs was chosen."""
        valid = super().validate(extra_validators)
        if self.kind.data == SuggestionKind.NEW_ITEM.value and not self.section.data:
            self.section.errors.append("Choose the section the new item belongs to.")
            valid = False
        if self.kind.data == SuggestionKind.REWORDING.value and not self.item.data:
            self.item.errors.append("Choose the item you suggest a new wording for.")
            valid = False
        return valid
