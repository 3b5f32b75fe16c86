"""Finding where a key or value sits in a TOML file's text, so errors can name the line.

``tomllib`` gives values without positions; the study file checker uses this to point at the line
of the key or item code at fault. It reads headers and ``key =`` lines, which covers the study file
format; when a line cannot be found the error simply names the key without a line.
"""
from __future__ import annotations

import json
import re
import tomllib

from delphi.importing import Problem

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_SYNTAX_POSITION = re.compile(
    r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


class TomlSource:
    """The text of a TOML file, indexed by its table headers."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        # (line number, table name) of every [table] and [[array]] header, in order.
        self.headers: list[tuple[int, str]] = []
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                self.headers.append((number, match.group(2).replace(" ", "")))

    def table_line(self, name: str, index: int = 0) -> int | None:
        """The line of the ``index``-th ``[name]`` or ``[[name]]`` header."""
        found = [number for number, header in self.headers if header == name]
        return found[index] if index < len(found) else None

    def key_line(self, table: str | None, key: str, index: int = 0) -> int | None:
        """The line where ``key = ...`` is written in a table (None: at the top of the file)."""
        if table is None:
            start, end = 0, self.headers[0][0] - 1 if self.headers else len(self.lines)
            for number, header in self.headers:
                if header == key or header.startswith(key + "."):
                    return number
        else:
            header_line = self.table_line(table, index)
            if header_line is None:
                return None
            later = [number for number, _ in self.headers if number > header_line]
            start, end = header_line, later[0] - 1 if later else len(self.lines)
        pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for number in range(start + 1, end + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return None

    def string_line(self, value: str, occurrence: int = 1) -> int | None:
        """The line of the ``occurrence``-th quoted appearance of a string value."""
        quoted = (json.dumps(value, ensure_ascii=False), f"'{value}'")
        seen = 0
        for number, line in enumerate(self.lines, start=1):
            seen += sum(line.count(q) for q in quoted)
            if seen >= occurrence:
                return number
        return None


def toml_syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """A TOML syntax error as a problem with its line and column."""
    message = str(error)
    match = _SYNTAX_POSITION.match(message)
    if match:
        return Problem(int(match["line"]), f"column {match['column']}",
                       f"TOML syntax error: {match['message']}")
    message = message.replace(" (at end of document)", "")
    return Problem(text.count("\n") + 1, "end of file", f"TOML syntax error: {message}")
