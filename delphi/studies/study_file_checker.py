"""The checks of a study file's parsed TOML against its format (``study_file_format``): each
problem reported with the line and the key, every problem collected before any is reported.
"""

from __future__ import annotations

import enum
import re
from functools import partial

from delphi.consensus import ConsensusSettings
from delphi.consensus.definition import BY_COLUMN, BY_ENGINE, key_named
from delphi.importing import Problems
from delphi.signup.settings import SIGNUP_CHECKS, SettingProblem
from delphi.studies.consensus import engine_value
from delphi.studies.study_file_format import (
    ITEM_KEYS,
    SECTION_KEYS,
    TABLES,
    Key,
    ParsedItem,
    ParsedSection,
)
from delphi.studies.toml_source import TomlSource
from delphi.validation import (
    ITEM_TEXT_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    SETTING_MAX,
    TITLE_MAX_LENGTH,
    code_problem,
    reminder_days_problem,
    reminder_days_text,
    scale_point_problem,
    text_problem,
)

_line_text = partial(text_problem, max_length=TITLE_MAX_LENGTH)
_item_text = partial(text_problem, max_length=ITEM_TEXT_MAX_LENGTH, multiline=True)
_guidance_text = partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)
# A scale point written as a key of [scale] labels: a whole number of a few digits.
_SCALE_POINT = re.compile(r"-?\d{1,7}")


def _type_name(kind: type | tuple[type, ...] | str) -> str:
    names = {
        str: "text in quotes",
        int: "a whole number",
        bool: "true or false",
        (int, float): "a number",
    }
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "one of " + ", ".join(f'"{m.value}"' for m in kind)
    return names.get(kind, str(kind))


def _found(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str) and len(value) > 60:
        return f"a text of {len(value):,} characters"
    if isinstance(value, int) and abs(value) > SETTING_MAX:
        return f"a number of {len(str(abs(value)))} digits"
    return repr(value)


class Checker:
    """Checks one study file's parsed TOML against the format, collecting every problem."""

    def __init__(self, source: TomlSource, problems: Problems):
        self.source = source
        self.problems = problems

    def problem(self, line: int | None, where: str, message: str) -> None:
        self.problems.add(line, where, message)

    def table(self, document: dict, name: str, settings: dict[str, object]) -> None:
        spec = TABLES[name]
        content = document.get(name, {})
        table_line = self.source.table_line(name)
        if not isinstance(content, dict):
            self.problem(
                self.source.key_line(None, name),
                name,
                f"found {_found(content)}, expected a table [{name}]",
            )
            return
        for key in content:
            if key not in spec:
                self.problem(
                    self.source.key_line(name, key) or table_line,
                    f"[{name}] {key}",
                    f"unknown key {key!r}; expected one of: {', '.join(spec)}",
                )
        for key, rule in spec.items():
            line = self.source.key_line(name, key) or table_line
            where = f"[{name}] {key}"
            if key not in content:
                if rule.required:
                    self.problem(table_line, where, f"the key {key} is missing")
                continue
            value = self.value(content[key], rule, line, where)
            if value is not None:
                settings[rule.attribute] = value

    def value(self, value: object, rule: Key, line: int | None, where: str) -> object:
        """The column value for a key, or None after reporting why it is unusable."""
        kind = rule.kind
        if kind == "labels":
            return self.labels(value, line, where)
        if kind == "days":
            return self.days(value, line, where)
        if kind in SIGNUP_CHECKS:
            try:
                return SIGNUP_CHECKS[kind](value)
            except SettingProblem as problem:
                self.problem(line, where, str(problem))
                return None
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            choices = {m.value: m for m in kind}
            if not isinstance(value, str) or value not in choices:
                self.problem(line, where, f"found {_found(value)}, expected {_type_name(kind)}")
                return None
            return choices[value]
        wrong_bool = isinstance(value, bool) and kind is not bool
        if wrong_bool or not isinstance(value, kind):  # type: ignore[arg-type]
            self.problem(line, where, f"found {_found(value)}, expected {_type_name(kind)}")
            return None
        if isinstance(value, str):
            return self.text(value, rule, line, where)
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and not rule.low <= value <= rule.high
        ):
            self.problem(
                line,
                where,
                f"found {_found(value)}, expected a number from {rule.low:,} to {rule.high:,}",
            )
            return None
        return value

    def text(self, value: str, rule: Key, line: int | None, where: str) -> str | None:
        value = value.strip()
        if (rule.required or not rule.blank) and not value:
            self.problem(line, where, "is empty; expected some text")
            return None
        problem = rule.check(value) if value else None
        if problem:
            self.problem(line, where, problem)
            return None
        return value

    def labels(self, value: object, line: int | None, where: str) -> dict[str, str] | None:
        if not isinstance(value, dict):
            self.problem(
                line,
                where,
                f"found {_found(value)}, expected a table such as "
                '{ 1 = "Not important", 9 = "Critical" }',
            )
            return None
        labels: dict[str, str] = {}
        for point, label in value.items():
            if not _SCALE_POINT.fullmatch(point):
                self.problem(
                    line, f"{where} {point[:20]}", "expected a point of the scale (a whole number)"
                )
            elif not isinstance(label, str) or not label.strip():
                self.problem(
                    line, f"{where} {point}", f"found {_found(label)}, expected a label in quotes"
                )
            elif problem := _line_text(label.strip()):
                self.problem(line, f"{where} {point}", problem)
            else:
                labels[str(int(point))] = label.strip()
        return labels

    def days(self, value: object, line: int | None, where: str) -> str | None:
        if not isinstance(value, list):
            self.problem(
                line,
                where,
                f"found {_found(value)}, expected a list of whole numbers "
                "of days before the deadline, such as [7, 2]",
            )
            return None
        problem = reminder_days_problem(value)
        if problem:
            self.problem(line, where, problem)
            return None
        return reminder_days_text(value)

    def scale(self, settings: dict[str, object]) -> None:
        low, high = settings["scale_min"], settings["scale_max"]
        assert isinstance(low, int) and isinstance(high, int)
        if high - low < 2:
            self.problem(
                self.source.key_line("scale", "max") or self.source.table_line("scale"),
                "[scale] max",
                f"the scale {low} to {high} has fewer than three points",
            )
            return
        line = self.source.key_line("scale", "labels")
        labels = settings["scale_labels"]
        assert isinstance(labels, dict)
        for point in labels:
            if problem := scale_point_problem(int(point), low, high):
                self.problem(line, f"[scale] labels {point}", problem)

    def consensus(self, settings: dict[str, object]) -> None:
        """Let the consensus engine judge the definition, reporting every problem at the key
        of the setting it faults, naming each setting by its key and its words."""
        values = {
            BY_COLUMN[column].engine: engine_value(value)
            for column, value in settings.items()
            if column in BY_COLUMN
        }
        for problem in ConsensusSettings.problems(values, key_named):
            setting = BY_ENGINE.get(problem.setting or "")
            table, key = (setting.table, setting.key) if setting else ("consensus", None)
            where = f"[{table}] {key}" if key else f"[{table}]"
            line = (self.source.key_line(table, key) if key else None) or self.source.table_line(
                table
            )
            self.problem(line or self.source.table_line("scale"), where, str(problem))

    def sections(self, document: dict) -> list[ParsedSection]:
        raw = document.get("sections")
        if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
            self.problem(
                self.source.table_line("sections"),
                "[[sections]]",
                "expected one or more [[sections]], each with a code, a title and items",
            )
            return []
        sections: list[ParsedSection] = []
        section_codes: dict[str, int] = {}
        item_codes: dict[str, int] = {}
        for index, content in enumerate(raw):
            line = self.source.table_line("sections", index)
            where = f"section {index + 1}"
            for key in content:
                if key not in SECTION_KEYS:
                    self.problem(
                        self.source.key_line("sections", key, index) or line,
                        f"{where} {key}",
                        f"unknown key {key!r}; expected: {', '.join(SECTION_KEYS)}",
                    )
            code = self.code(content.get("code"), line, where, section_codes)
            title = content.get("title")
            title_line = self.source.key_line("sections", "title", index) or line
            if not isinstance(title, str) or not title.strip():
                self.problem(
                    title_line,
                    f"{where} title",
                    f"found {_found(title)}, expected a title in quotes",
                )
            elif problem := _line_text(title.strip()):
                self.problem(title_line, f"{where} title", problem)
            section = ParsedSection(code or "", title.strip() if isinstance(title, str) else "")
            section.guidance = self.markdown(
                content.get("guidance", ""),
                self.source.key_line("sections", "guidance", index) or line,
                f"{where} guidance",
                _guidance_text,
            )
            section.items = self.items(content.get("items", []), line, code or where, item_codes)
            sections.append(section)
        if sections and not any(s.items for s in sections):
            self.problem(
                self.source.table_line("sections"),
                "[[sections]]",
                "the study has no items; add items = [{ code = ..., text = ... }]",
            )
        return sections

    def markdown(self, value: object, line: int | None, where: str, check) -> str:
        """An optional Markdown text (guidance, an explanation): "" when absent or faulty."""
        if not isinstance(value, str):
            self.problem(line, where, f"found {_found(value)}, expected text in quotes")
            return ""
        value = value.strip()
        if problem := check(value) if value else None:
            self.problem(line, where, problem)
            return ""
        return value

    def code(self, code: object, line: int | None, where: str, seen: dict[str, int]) -> str | None:
        if not isinstance(code, str) or not code.strip():
            self.problem(line, f"{where} code", f"found {_found(code)}, expected a code in quotes")
            return None
        code = code.strip()
        seen[code] = seen.get(code, 0) + 1
        code_line = self.source.string_line(code, seen[code]) or line
        problem = code_problem(code)
        if problem:
            self.problem(code_line, f"{where} code", f"found {_found(code)}, which {problem}")
            return None
        if seen[code] > 1:
            first = self.source.string_line(code, 1)
            self.problem(
                code_line,
                f"{where} code",
                f"duplicate code {code!r}; it is already used"
                + (f" on line {first}" if first else ""),
            )
        return code

    def items(
        self, raw: object, section_line: int | None, section: str, seen: dict[str, int]
    ) -> list[ParsedItem]:
        if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
            self.problem(
                section_line,
                f"section {section} items",
                f"found {_found(raw)}, expected a list of {{ code = ..., text = ... }}",
            )
            return []
        items = []
        for number, content in enumerate(raw, start=1):
            where = f"section {section} item {number}"
            code = self.code(content.get("code"), section_line, where, seen)
            line = self.source.string_line(code, seen[code]) if code else section_line
            if code:
                where = f"item {code}"
            for key in content:
                if key not in ITEM_KEYS:
                    self.problem(
                        line,
                        f"{where} {key}",
                        f"unknown key {key!r}; expected: {', '.join(ITEM_KEYS)}",
                    )
            text = content.get("text")
            if not isinstance(text, str) or not text.strip():
                self.problem(
                    line, f"{where} text", f"found {_found(text)}, expected the item's text"
                )
                continue
            if problem := _item_text(text.strip()):
                self.problem(line, f"{where} text", problem)
                continue
            explanation = self.markdown(
                content.get("explanation", ""), line, f"{where} explanation", _item_text
            )
            items.append(ParsedItem(code or "", text.strip(), explanation))
        return items
