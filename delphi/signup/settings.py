"""The sign-up settings that are more than a switch: each group's cap and the eligibility
questions. Checked here once, for the study form and the study file alike.

A cap is ``{group: most panellists}``. An eligibility question is
``{"text": ..., "choices": [...], "accepted": [...]}``: a person whose answer is not among the
accepted ones cannot sign up. On the study form a question is one line, its choices after ``|``
and each accepted choice marked with ``*``: ``Do you work in England? | Yes* | No``.
"""

from __future__ import annotations

import json
from functools import partial

from delphi.validation import (
    GROUP_MAX_LENGTH,
    SETTING_MAX,
    TITLE_MAX_LENGTH,
    text_problem,
    whole_number_problem,
)

QUESTIONS_MAX = 20  # eligibility questions of one study
CHOICES_MAX = 20  # choices of one eligibility question
QUESTION_KEYS = ("text", "choices", "accepted")

_line_text = partial(text_problem, max_length=TITLE_MAX_LENGTH)
_group_text = partial(text_problem, max_length=GROUP_MAX_LENGTH)


class SettingProblem(ValueError):
    """A cap or an eligibility question cannot be used; the message says which and why."""


def check_caps(value: object) -> dict[str, int]:
    """``{group: cap}`` checked: groups are names of one line, caps whole numbers from 1."""
    if not isinstance(value, dict):
        raise SettingProblem('expected a table of groups and numbers, like { "Nurse" = 10 }')
    caps: dict[str, int] = {}
    seen: set[str] = set()
    for group, cap in value.items():
        name = str(group).strip()
        if not name or (found := _group_text(name)):
            raise SettingProblem(f"the group {name[:40]!r} {found or 'is empty'}")
        if name.casefold() in seen:
            raise SettingProblem(f"the group {name!r} is listed twice")
        seen.add(name.casefold())
        if found := whole_number_problem(cap, minimum=1, maximum=SETTING_MAX):
            raise SettingProblem(f"the cap of {name!r} {found.rstrip('.')}")
        assert isinstance(cap, int)
        caps[name] = cap
    return caps


def check_questions(value: object) -> list[dict]:
    """The eligibility questions checked: a text, at least two distinct choices, and at least
    one accepted choice among them."""
    if not isinstance(value, list) or not all(isinstance(q, dict) for q in value):
        raise SettingProblem("expected a list of questions, each { text, choices, accepted }")
    if len(value) > QUESTIONS_MAX:
        raise SettingProblem(f"at most {QUESTIONS_MAX} eligibility questions")
    questions = []
    for number, question in enumerate(value, start=1):
        where = f"eligibility question {number}"
        unknown = [key for key in question if key not in QUESTION_KEYS]
        if unknown:
            raise SettingProblem(
                f"{where}: unknown key {unknown[0]!r}; expected: " + ", ".join(QUESTION_KEYS)
            )
        text = question.get("text")
        if not isinstance(text, str) or not text.strip():
            raise SettingProblem(f"{where}: the question's text is missing")
        if found := _line_text(text.strip()):
            raise SettingProblem(f"{where}: the text {found}")
        choices = _texts(question.get("choices"), where, "choices")
        accepted = _texts(question.get("accepted"), where, "accepted")
        if len(choices) < 2 or len(set(choices)) != len(choices) or len(choices) > CHOICES_MAX:
            raise SettingProblem(
                f"{where}: give from 2 to {CHOICES_MAX} different choices, like Yes and No"
            )
        if not accepted or not set(accepted) <= set(choices):
            raise SettingProblem(f"{where}: the accepted answers must be some of its choices")
        questions.append({"text": text.strip(), "choices": choices, "accepted": accepted})
    return questions


def _texts(value: object, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise SettingProblem(f"{where}: expected {key} as a list of texts in quotes")
    texts = [c.strip() for c in value]
    for text in texts:
        if found := _line_text(text):
            raise SettingProblem(f"{where}: the choice {text[:40]!r} {found}")
    return texts


# The study file's kinds of value for these settings (delphi/studies/study_file_format.py).
SIGNUP_CHECKS = {"caps": check_caps, "eligibility": check_questions}
SIGNUP_SETTINGS = ("signup_caps", "signup_questions")  # the Study columns they fill


def _toml_text(value: str) -> str:
    """A TOML basic string: JSON's strings are TOML's, and the texts were checked to one line."""
    return json.dumps(value, ensure_ascii=False)


def signup_toml_value(value: dict | list) -> str | None:
    """Caps as an inline table and eligibility questions as a list of inline tables, for
    ``delphi study export``; None (the key left out) when there are none."""
    if not value:
        return None
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_text(g)} = {cap}" for g, cap in value.items()) + " }"
    rows = [
        "  { text = "
        + _toml_text(question["text"])
        + ", choices = ["
        + ", ".join(_toml_text(c) for c in question["choices"])
        + "], accepted = ["
        + ", ".join(_toml_text(c) for c in question["accepted"])
        + "] },"
        for question in value
    ]
    return "[\n" + "\n".join(rows) + "\n]"


def parse_caps_text(text: str) -> dict[str, int]:
    """The form's "group = number" lines as caps; SettingProblem names the line at fault."""
    caps: dict[str, object] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        group, sep, cap = line.rpartition("=")
        if not sep or not cap.strip().isdigit():
            raise SettingProblem(f"Line {number}: write a group and a number, like Nurse = 10.")
        if group.strip().casefold() in {g.casefold() for g in caps}:
            raise SettingProblem(f"Line {number}: the group {group.strip()!r} is listed twice.")
        caps[group.strip()] = int(cap.strip())
    try:
        return check_caps(caps)
    except SettingProblem as problem:
        raise SettingProblem(f"{str(problem)[0].upper()}{str(problem)[1:]}.") from None


def format_caps_text(caps: dict[str, int]) -> str:
    return "\n".join(f"{group} = {cap}" for group, cap in caps.items())


def parse_questions_text(text: str) -> list[dict]:
    """The form's question lines (``Question | Yes* | No``); SettingProblem names the line."""
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        choices = [part.removesuffix("*").strip() for part in parts[1:]]
        accepted = [part.removesuffix("*").strip() for part in parts[1:] if part.endswith("*")]
        try:
            questions += check_questions(
                [{"text": parts[0], "choices": choices, "accepted": accepted}]
            )
        except SettingProblem as problem:
            words = str(problem).removeprefix("eligibility question 1: ")
            raise SettingProblem(
                f"Line {number}: {words}; write it like: Do you work in England? | Yes* | No "
                "(* marks each accepted answer)."
            ) from None
    return check_questions(questions)


def format_questions_text(questions: list[dict]) -> str:
    return "\n".join(
        " | ".join(
            [question["text"]]
            + [c + ("*" if c in question["accepted"] else "") for c in question["choices"]]
        )
        for question in questions
    )
