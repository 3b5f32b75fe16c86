"""Background questions: who the panel are (role, years in practice, region, ...).

The team defines them before round 1 opens; each panellist answers them once, after consent and
before the first items. ``check_answers`` holds the rules (required, whole numbers in range,
choices from the list) for the page and for anything else that stores answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from delphi import audit
from delphi.extensions import db
from delphi.models import (
    BackgroundAnswer,
    BackgroundQuestion,
    Panellist,
    QuestionKind,
    StaffUser,
    Study,
)
from delphi.refusal import Refused
from delphi.validation import TITLE_MAX_LENGTH, text_problem, whole_number_problem

SHORT_TEXT_MAX_LENGTH = TITLE_MAX_LENGTH  # a short-text answer


@dataclass(frozen=True)
class QuestionSpec:
    """A background question as the study file or the console gives it, before it is stored."""

    code: str
    text: str
    kind: QuestionKind
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None


class BackgroundRefused(Refused):
    """Background questions or answers are refused; ``problems`` maps each field to what is
    wrong with it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()), next(iter(problems), None))
        self.problems = problems


def questions_of(study: Study) -> list[BackgroundQuestion]:
    return list(
        db.session.scalars(
            db.select(BackgroundQuestion)
            .filter_by(study_id=study.id)
            .order_by(BackgroundQuestion.position, BackgroundQuestion.id)
        )
    )


# Built once, as every answering page runs it: a statement object keeps its cache key, so
# running it again skips building and hashing it.
_HAS_QUESTIONS = db.select(
    db.exists().where(BackgroundQuestion.study_id == db.bindparam("study_id"))
)


def background_pending(panellist: Panellist) -> bool:
    """True while the study has background questions the panellist has not been asked yet."""
    has_questions = db.session.scalar(_HAS_QUESTIONS, {"study_id": panellist.study_id})
    if not has_questions:
        return False
    answered = db.session.scalar(
        db.select(db.exists().where(BackgroundAnswer.panellist_id == panellist.id))
    )
    return not answered


def field_name(question: BackgroundQuestion) -> str:
    return f"background-{question.id}"


def check_answers(
    questions: Sequence[BackgroundQuestion], posted: Mapping[str, list[str]]
) -> dict[int, object]:
    """Each question's value from the posted form (field -> its values), or raise
    BackgroundRefused naming every question whose answer is wrong."""
    values: dict[int, object] = {}
    problems: dict[str, str] = {}
    for question in questions:
        field = field_name(question)
        given = [v.strip() for v in posted.get(field, []) if v.strip()]
        label = f"{question.text!r}"
        if not given:
            if question.required:
                problems[field] = f"{label} needs an answer."
            values[question.id] = None
            continue
        problem, value = _value(question, given)
        if problem:
            problems[field] = f"{label}: {problem}"
        values[question.id] = value
    if problems:
        raise BackgroundRefused(problems)
    return values


def _value(question: BackgroundQuestion, given: list[str]) -> tuple[str | None, object]:
    if question.kind is QuestionKind.MULTIPLE:
        unknown = [v for v in given if v not in question.choices]
        if unknown:
            return f"{unknown[0][:60]!r} is not one of the choices.", None
        return None, [c for c in question.choices if c in given]
    if len(given) > 1:
        return "choose one answer.", None
    answer = given[0]
    if question.kind is QuestionKind.SINGLE:
        if answer not in question.choices:
            return f"{answer[:60]!r} is not one of the choices.", None
        return None, answer
    if question.kind is QuestionKind.NUMBER:
        number = int(answer) if answer.isdecimal() and answer.isascii() else answer
        low = question.min_value if question.min_value is not None else 0
        high = question.max_value if question.max_value is not None else 1_000_000
        if problem := whole_number_problem(number, minimum=low, maximum=high):
            return f"{problem}", None
        return None, number
    if problem := text_problem(answer, max_length=SHORT_TEXT_MAX_LENGTH):
        return problem, None
    return None, answer


def save_background(panellist: Panellist, values: Mapping[int, object]) -> None:
    """Store the panellist's answers, once: a second time is refused."""
    if not background_pending(panellist):
        raise Refused("Your background answers are already recorded.")
    for question_id, value in values.items():
        db.session.add(
            BackgroundAnswer(panellist_id=panellist.id, question_id=question_id, value=value)
        )
    db.session.flush()


def replace_questions(
    study: Study, specs: Sequence[QuestionSpec], *, by: StaffUser | None = None
) -> None:
    """Set the study's background questions; refused once round 1 has opened, since answers
    already given would no longer match their questions."""
    if study.consensus_locked:
        raise Refused(
            "Background questions can change only until round 1 opens: panellists have "
            "already answered these.",
            "questions",
        )
    before = [q.code for q in questions_of(study)]
    db.session.execute(db.delete(BackgroundQuestion).filter_by(study_id=study.id))
    for position, spec in enumerate(specs, start=1):
        db.session.add(
            BackgroundQuestion(
                study_id=study.id,
                code=spec.code,
                text=spec.text,
                kind=spec.kind,
                required=spec.required,
                choices=list(spec.choices),
                min_value=spec.min_value,
                max_value=spec.max_value,
                position=position,
            )
        )
    audit.record(
        "background.change",
        study=study,
        by=by,
        target=study.slug,
        before={"questions": before},
        after={"questions": [s.code for s in specs]},
    )
    db.session.flush()


def spec_of(question: BackgroundQuestion) -> QuestionSpec:
    return QuestionSpec(
        question.code,
        question.text,
        question.kind,
        question.required,
        tuple(question.choices),
        question.min_value,
        question.max_value,
    )
