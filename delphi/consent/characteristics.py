"""The panel characteristics table (ACCORD asks for it): how many panellists gave each answer to
each background question, overall and among those who responded to each round.

A count from 1 to below the study's minimum group size is suppressed (None, shown as "fewer
than N"), so no small group of panellists can be picked out. Where a question's rows add up to
the column's total (each panellist counts in exactly one row: every kind of question but
several-choices), one suppressed count alone could be worked out from the total and the other
rows, so the next smallest count above zero in that column is suppressed too (secondary
suppression). ``tabulate`` is pure; ``load`` reads the answers in two statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from delphi.extensions import db
from delphi.models import BackgroundAnswer, BackgroundQuestion, Panellist, QuestionKind, Study

NOT_ANSWERED = "(not answered)"
ANSWERED = "(answered)"


@dataclass(frozen=True)
class QuestionFacts:
    code: str
    text: str
    kind: QuestionKind
    choices: tuple[str, ...]


@dataclass(frozen=True)
class CharacteristicRow:
    question: str  # the question's code
    text: str  # the question's wording
    answer: str  # a choice, "(answered)" for number and text questions, or "(not answered)"
    overall: int | None  # None: suppressed
    by_round: dict[int, int | None]


@dataclass
class Characteristics:
    min_group_size: int
    rounds: list[int]
    panellists: int  # who were asked the questions
    responders: dict[int, int]  # round -> who responded and were asked
    rows: list[CharacteristicRow] = field(default_factory=list)


def _shown(count: int, min_size: int) -> int | None:
    return None if 0 < count < min_size else count


def _column(counts: list[int], min_size: int, additive: bool) -> list[int | None]:
    """One column of a question's rows, small counts suppressed; when the rows add up to the
    total and only one is suppressed, the smallest other count above zero (the first of equal
    ones) is suppressed as well."""
    shown = [_shown(count, min_size) for count in counts]
    hidden = [i for i, count in enumerate(shown) if count is None]
    if additive and len(hidden) == 1:
        others = [i for i, count in enumerate(counts) if i != hidden[0] and count > 0]
        if others:
            shown[min(others, key=lambda i: counts[i])] = None
    return shown


def _answers(question: QuestionFacts, value: object) -> list[str]:
    """The table rows a panellist's answer counts in."""
    if value is None or value == [] or value == "":
        return [NOT_ANSWERED]
    if question.kind is QuestionKind.MULTIPLE and isinstance(value, list):
        return [str(v) for v in value]
    if question.kind is QuestionKind.SINGLE:
        return [str(value)]
    return [ANSWERED]


def tabulate(
    questions: Sequence[QuestionFacts],
    answers: Mapping[int, Mapping[str, object]],
    responders: Mapping[int, set[int]],
    min_group_size: int,
) -> Characteristics:
    """``answers``: panellist id -> question code -> value, for every panellist who was asked;
    ``responders``: round number -> ids of panellists who submitted it."""
    rounds = sorted(responders)
    table = Characteristics(
        min_group_size=min_group_size,
        rounds=rounds,
        panellists=len(answers),
        responders={n: len(responders[n] & answers.keys()) for n in rounds},
    )
    for question in questions:
        labels = [*question.choices] if question.choices else [ANSWERED]
        counts: dict[str, list[int]] = {label: [] for label in [*labels, NOT_ANSWERED]}
        for panellist_id, given in answers.items():
            for label in _answers(question, given.get(question.code)):
                counts.setdefault(label, []).append(panellist_id)
        additive = question.kind is not QuestionKind.MULTIPLE
        overall = _column([len(ids) for ids in counts.values()], min_group_size, additive)
        by_round = {
            n: _column(
                [len(set(ids) & responders[n]) for ids in counts.values()], min_group_size, additive
            )
            for n in rounds
        }
        for row, label in enumerate(counts):
            table.rows.append(
                CharacteristicRow(
                    question=question.code,
                    text=question.text,
                    answer=label,
                    overall=overall[row],
                    by_round={n: by_round[n][row] for n in rounds},
                )
            )
    return table


def load(study: Study, responders: Mapping[int, set[int]]) -> Characteristics | None:
    """The study's table; None when it asks no background questions."""
    questions = [
        QuestionFacts(q.code, q.text, q.kind, tuple(q.choices))
        for q in db.session.scalars(
            db.select(BackgroundQuestion)
            .filter_by(study_id=study.id)
            .order_by(BackgroundQuestion.position, BackgroundQuestion.id)
        )
    ]
    if not questions:
        return None
    answers: dict[int, dict[str, object]] = {}
    for panellist_id, code, value in db.session.execute(
        db.select(BackgroundAnswer.panellist_id, BackgroundQuestion.code, BackgroundAnswer.value)
        .join(BackgroundQuestion, BackgroundAnswer.question_id == BackgroundQuestion.id)
        .where(BackgroundQuestion.study_id == study.id)
    ):
        answers.setdefault(panellist_id, {})[code] = value
    return tabulate(questions, answers, responders, study.min_group_size)


def answers_by_pseudonym(study: Study) -> list[tuple[str, str, object]]:
    """Every background answer as (pseudonym, question code, value), for the raw export."""
    return [
        (pseudonym, code, value)
        for pseudonym, code, value in db.session.execute(
            db.select(Panellist.pseudonym, BackgroundQuestion.code, BackgroundAnswer.value)
            .join(BackgroundAnswer, BackgroundAnswer.panellist_id == Panellist.id)
            .join(BackgroundQuestion, BackgroundAnswer.question_id == BackgroundQuestion.id)
            .where(BackgroundQuestion.study_id == study.id)
            .order_by(Panellist.pseudonym, BackgroundQuestion.position, BackgroundQuestion.id)
        )
    ]


def as_dict(table: Characteristics | None) -> dict | None:
    """The table for the JSON report; a suppressed count is null."""
    if table is None:
        return None
    return {
        "min_group_size": table.min_group_size,
        "suppressed": f"null: from 1 to {table.min_group_size - 1} panellists",
        "panellists": table.panellists,
        "responders": {str(n): count for n, count in table.responders.items()},
        "rows": [
            {
                "question": row.question,
                "text": row.text,
                "answer": row.answer,
                "overall": row.overall,
                "rounds": {str(n): count for n, count in row.by_round.items()},
            }
            for row in table.rows
        ],
    }


def as_rows(table: Characteristics) -> tuple[list[str], list[list[object]]]:
    """The table for a spreadsheet: columns and rows, a suppressed count in words."""
    hidden = f"fewer than {table.min_group_size}"
    columns = ["question", "text", "answer", f"all ({table.panellists})"] + [
        f"round {n} ({table.responders[n]})" for n in table.rounds
    ]
    rows: list[list[object]] = [
        [
            row.question,
            row.text,
            row.answer,
            hidden if row.overall is None else row.overall,
            *(hidden if row.by_round[n] is None else row.by_round[n] for n in table.rounds),
        ]
        for row in table.rows
    ]
    return columns, rows


BACKGROUND_COLUMNS = ["panellist", "question", "answer"]


def background_rows(study: Study) -> list[list[object]]:
    """background.csv of the raw export: one row per panellist, question and answer given (a
    row per choice of a several-choices question; an empty answer when left blank)."""
    rows: list[list[object]] = []
    for pseudonym, code, value in answers_by_pseudonym(study):
        values = value if isinstance(value, list) else [value]
        rows += [[pseudonym, code, "" if v is None else v] for v in values or [None]]
    return rows


def background_codebook(study: Study) -> str:
    """The codebook's part on background.csv; empty when the study asks no questions."""
    questions = db.session.scalars(
        db.select(BackgroundQuestion)
        .filter_by(study_id=study.id)
        .order_by(BackgroundQuestion.position, BackgroundQuestion.id)
    ).all()
    if not questions:
        return ""
    described = []
    for question in questions:
        kind = {
            QuestionKind.SINGLE: "one of the choices",
            QuestionKind.MULTIPLE: "any of the choices, one row each",
            QuestionKind.NUMBER: "a whole number",
            QuestionKind.TEXT: "a short text",
        }[question.kind]
        bounds = ""
        if question.min_value is not None or question.max_value is not None:
            bounds = f" from {question.min_value} to {question.max_value}"
        described.append(
            f"    {question.code}: {question.text} ({kind}{bounds}; "
            f"{'required' if question.required else 'optional'})"
            + "".join(f"\n        {choice}" for choice in question.choices)
        )
    listed = "\n".join(described)
    return f"""
Codebook for background.csv: the panellists' answers to the background questions

One row per panellist, question and answer, for every panellist who was asked them.
panellist  Pseudonymous panellist id, as in ratings.csv (text).
question   Code of the question (text):
{listed}
answer     The answer (text or whole number); empty when an optional question was left blank.
"""
