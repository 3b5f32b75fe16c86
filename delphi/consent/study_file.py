"""The study file's ``[consent]`` table and ``[[background]]`` questions: checked with the rest of
the file (every problem with its line and key, nothing written when any is found), imported into
a new study, and written back by ``delphi study export``.

```toml
[consent]
sheet = \"\"\"Markdown: what the study is, what taking part involves, ...\"\"\"
statements = ["I have read the information sheet.", "I agree to take part."]
withdrawal = "keep"          # keep | erase: what happens to answers on withdrawal

[[background]]
code = "role"
text = "Your main role"
kind = "single"              # single | multiple | number | text
required = true
choices = ["Social worker", "Occupational therapist"]
# min and max bound a number question
```
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from delphi.consent.background import QuestionSpec, questions_of, replace_questions
from delphi.consent.operations import current_version, set_consent_text
from delphi.models import QuestionKind, StaffUser, Study, WithdrawalRule
from delphi.studies.toml_source import TomlSource
from delphi.validation import (
    CODE_MAX_LENGTH,
    ITEM_TEXT_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    SETTING_MAX,
    TITLE_MAX_LENGTH,
    code_problem,
    text_problem,
)

CONSENT_KEYS = ("sheet", "statements", "withdrawal")
QUESTION_KEYS = ("code", "text", "kind", "required", "choices", "min", "max")
CHOICE_MAX = 50  # choices of one question

_sheet_text = partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)
_statement_text = partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH)
_line_text = partial(text_problem, max_length=TITLE_MAX_LENGTH)

Report = Callable[[int | None, str, str], None]


@dataclass
class Consultation:
    """The checked ``[consent]`` table and ``[[background]]`` questions of a study file."""

    sheet: str = ""
    statements: list[str] = field(default_factory=list)
    withdrawal: WithdrawalRule = WithdrawalRule.KEEP
    questions: list[QuestionSpec] = field(default_factory=list)


def check_consultation(document: dict, source: TomlSource, problem: Report) -> Consultation:
    """The file's consent and background questions, each problem reported with its line."""
    result = Consultation()
    _check_consent(document.get("consent"), source, problem, result)
    raw = document.get("background", [])
    if not isinstance(raw, list) or not all(isinstance(q, dict) for q in raw):
        problem(source.key_line(None, "background"), "background", "expected [[background]] tables")
        return result
    seen: set[str] = set()
    for index, content in enumerate(raw):
        spec = _check_question(content, index, source, problem, seen)
        if spec is not None:
            result.questions.append(spec)
    return result


def _check_consent(
    content: object, source: TomlSource, problem: Report, result: Consultation
) -> None:
    if content is None:
        return
    table_line = source.table_line("consent") or source.key_line(None, "consent")
    if not isinstance(content, dict):
        problem(table_line, "consent", "expected a table [consent]")
        return

    def line(key: str) -> int | None:
        return source.key_line("consent", key) or table_line

    for key in content:
        if key not in CONSENT_KEYS:
            problem(
                line(key),
                f"[consent] {key}",
                f"unknown key {key!r}; expected one of: " + ", ".join(CONSENT_KEYS),
            )
    sheet = content.get("sheet", "")
    if not isinstance(sheet, str):
        problem(line("sheet"), "[consent] sheet", "expected the information sheet as text")
    elif found := _sheet_text(sheet.strip()):
        problem(line("sheet"), "[consent] sheet", found)
    else:
        result.sheet = sheet.strip()
    statements = content.get("statements", [])
    if not isinstance(statements, list) or not all(isinstance(s, str) for s in statements):
        problem(line("statements"), "[consent] statements", "expected a list of texts in quotes")
    else:
        for number, statement in enumerate(statements, start=1):
            found = "is empty" if not statement.strip() else _statement_text(statement.strip())
            if found:
                problem(line("statements"), f"[consent] statement {number}", found)
        result.statements = [s.strip() for s in statements]
    withdrawal = content.get("withdrawal", WithdrawalRule.KEEP.value)
    rules = {rule.value: rule for rule in WithdrawalRule}
    if withdrawal not in rules:
        problem(
            line("withdrawal"),
            "[consent] withdrawal",
            f"found {withdrawal!r}, expected " + " or ".join(f'"{r}"' for r in rules),
        )
    else:
        result.withdrawal = rules[withdrawal]


def _check_question(
    content: dict, index: int, source: TomlSource, problem: Report, seen: set[str]
) -> QuestionSpec | None:
    header = source.table_line("background", index)

    def line(key: str) -> int | None:
        return source.key_line("background", key, index) or header

    where = f"background question {index + 1}"
    for key in content:
        if key not in QUESTION_KEYS:
            problem(
                line(key),
                f"{where} {key}",
                f"unknown key {key!r}; expected: " + ", ".join(QUESTION_KEYS),
            )
    ok = True
    code = content.get("code")
    if not isinstance(code, str) or (found := code_problem(code.strip())):
        problem(
            line("code"),
            f"{where} code",
            "expected a code in quotes" + (f", which {found}" if isinstance(code, str) else ""),
        )
        ok = False
    elif code.strip() in seen:
        problem(line("code"), f"{where} code", f"duplicate code {code.strip()!r}")
        ok = False
    else:
        seen.add(code.strip())
        where = f"background question {code.strip()}"
    text = content.get("text")
    if not isinstance(text, str) or not text.strip():
        problem(line("text"), f"{where} text", "expected the question in quotes")
        ok = False
    elif found := _line_text(text.strip()):
        problem(line("text"), f"{where} text", found)
        ok = False
    kinds = {kind.value: kind for kind in QuestionKind}
    kind = kinds.get(content.get("kind"))  # type: ignore[arg-type]
    if kind is None:
        problem(
            line("kind"), f"{where} kind", "expected one of " + ", ".join(f'"{k}"' for k in kinds)
        )
        ok = False
    required = content.get("required", False)
    if not isinstance(required, bool):
        problem(line("required"), f"{where} required", "expected true or false")
        ok = False
    choices = content.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, str) and c.strip() for c in choices):
        problem(line("choices"), f"{where} choices", "expected a list of choices in quotes")
        ok = False
        choices = []
    else:
        choices = [c.strip() for c in choices]
        for choice in choices:
            if found := _line_text(choice):
                problem(line("choices"), f"{where} choices", f"{choice[:40]!r} {found}")
                ok = False
        if len(set(choices)) != len(choices):
            problem(line("choices"), f"{where} choices", "a choice is listed twice")
            ok = False
        if len(choices) > CHOICE_MAX:
            problem(line("choices"), f"{where} choices", f"at most {CHOICE_MAX} choices")
            ok = False
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(choices) < 2:
        problem(
            line("choices"),
            f"{where} choices",
            f"a {kind.value} choice question needs at least two choices",
        )
        ok = False
    if kind in (QuestionKind.NUMBER, QuestionKind.TEXT) and choices:
        problem(line("choices"), f"{where} choices", f"a {kind.value} question has no choices")
        ok = False
    bounds: dict[str, int | None] = {}
    for key in ("min", "max"):
        value = content.get(key)
        if value is None:
            bounds[key] = None
        elif kind is not QuestionKind.NUMBER:
            problem(line(key), f"{where} {key}", f"only a number question has a {key}")
            ok = False
        elif isinstance(value, bool) or not isinstance(value, int) or abs(value) > SETTING_MAX:
            problem(line(key), f"{where} {key}", f"expected a whole number up to {SETTING_MAX:,}")
            ok = False
        else:
            bounds[key] = value
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and high is not None and low > high:
        problem(line("min"), f"{where} min", f"min {low} is above max {high}")
        ok = False
    if not ok or kind is None:
        return None
    assert isinstance(code, str) and isinstance(text, str) and len(code) <= CODE_MAX_LENGTH
    return QuestionSpec(code.strip(), text.strip(), kind, required, tuple(choices), low, high)


def apply_consultation(study: Study, parsed: Consultation, *, by: StaffUser | None = None) -> None:
    """Give a new study the file's sheet, statements, withdrawal rule and questions."""
    study.withdrawal_rule = parsed.withdrawal
    set_consent_text(study, sheet=parsed.sheet, statements=parsed.statements, by=by)
    if parsed.questions:
        replace_questions(study, parsed.questions, by=by)


def consultation_toml(study: Study, toml_value: Callable[[object], str]) -> list[str]:
    """The study's ``[consent]`` table and ``[[background]]`` questions as study-file lines."""
    lines: list[str] = []
    version = current_version(study)
    if version is not None or study.withdrawal_rule is not WithdrawalRule.KEEP:
        lines.append("[consent]")
        if version is not None:
            lines.append(f"sheet = {toml_value(version.sheet)}")
            lines.append(
                "statements = [" + ", ".join(toml_value(s) for s in version.statements) + "]"
            )
        lines += [f"withdrawal = {toml_value(study.withdrawal_rule)}", ""]
    return lines + background_toml(study, toml_value)


def _plain_value(value: object) -> str:
    """A one-line TOML value: JSON's strings are TOML basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    return json.dumps(value, ensure_ascii=False)


def background_toml(study: Study, toml_value: Callable[[object], str] = _plain_value) -> list[str]:
    """The study's background questions as ``[[background]]`` tables."""
    lines: list[str] = []
    for question in questions_of(study):
        lines += [
            "[[background]]",
            f"code = {toml_value(question.code)}",
            f"text = {toml_value(question.text)}",
            f"kind = {toml_value(question.kind)}",
            f"required = {toml_value(question.required)}",
        ]
        if question.choices:
            lines.append("choices = [" + ", ".join(toml_value(c) for c in question.choices) + "]")
        if question.min_value is not None:
            lines.append(f"min = {question.min_value}")
        if question.max_value is not None:
            lines.append(f"max = {question.max_value}")
        lines.append("")
    return lines
