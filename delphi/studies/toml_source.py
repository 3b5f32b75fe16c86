"""Finding where a key or value sits in a TOML file's text, so errors can name the line.

``tomllib`` gives values without positions; the study file checker uses this to point at the line
of the key or item code at fault. It reads headers and ``key =`` lines, which covers the study file
format; when a line cannot be found the error simply names the key without a line.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict

from delphi.importing import Problem

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*(?:\"([^\"\\]*)\"|([A-Za-z0-9_-]+))\s*=")
# A string on one line: "basic" (with backslash escapes) or 'literal'.
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')
_SYNTAX_POSITION = re.compile(
    r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$"
)


class TomlSource:
    """The text of a TOML file, indexed once by its table headers, keys and quoted strings.

    Every look-up is a dictionary access, so checking a file takes time in proportion to its
    length however many items it holds.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()
        # The lines of every [table] and [[array]] header, by table name, in order.
        self.headers: dict[str, list[int]] = defaultdict(list)
        # The first header line of each top-level name ("a" for [a.b]).
        self._first_header: dict[str, int] = {}
        # (line of the table's header, 0 at the top of the file, key): line of ``key =``.
        self._keys: dict[tuple[int, str], int] = {}
        # A quoted string as written, quotes included: the line of each appearance, in order.
        self._strings: dict[str, list[int]] = defaultdict(list)
        table = 0
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                name = header.group(2).replace(" ", "")
                self.headers[name].append(number)
                self._first_header.setdefault(name.split(".", 1)[0], number)
                table = number
                continue
            key = _KEY.match(line)
            if key:
                self._keys.setdefault((table, key.group(1) or key.group(2)), number)
            for quoted in _QUOTED.finditer(line):
                self._strings[quoted.group()].append(number)

    def table_line(self, name: str, index: int = 0) -> int | None:
        """The line of the ``index``-th ``[name]`` or ``[[name]]`` header."""
        found = self.headers.get(name, [])
        return found[index] if index < len(found) else None

    def key_line(self, table: str | None, key: str, index: int = 0) -> int | None:
        """The line where ``key = ...`` is written in a table (None: at the top of the file)."""
        if table is None:
            if key in self._first_header:
                return self._first_header[key]
            return self._keys.get((0, key))
        header_line = self.table_line(table, index)
        if header_line is None:
            return None
        return self._keys.get((header_line, key))

    def string_line(self, value: str, occurrence: int = 1) -> int | None:
        """The line of the ``occurrence``-th quoted appearance of a string value."""
        lines = sorted(
            self._strings.get(json.dumps(value, ensure_ascii=False), [])
            + self._strings.get(f"'{value}'", [])
        )
        return lines[occurrence - 1] if 0 < occurrence <= len(lines) else None


def toml_syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """A TOML syntax error as a problem with its line and column."""
    message = str(error)
    match = _SYNTAX_POSITION.match(message)
    if match:
        return Problem(
            int(match["line"]),
            f"column {match['column']}",
            f"TOML syntax error: {match['message']}",
        )
    message = message.replace(" (at end of document)", "")
    return Problem(text.count("\n") + 1, "end of file", f"TOML syntax error: {message}")


# Deeper nesting than this is never a study file; tomllib gives up near a thousand levels.
_NESTING_SHOWN = 100
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4000,}")


def unreadable_toml_problem(error: RecursionError | ValueError, text: str) -> Problem:
    """A file tomllib could not read without a syntax error: lists or tables nested too deep,
    or a number too long to convert; the problem names the line where that starts."""
    if isinstance(error, RecursionError):
        return Problem(
            _nesting_line(text),
            None,
            f"lists or tables are nested more than {_NESTING_SHOWN} levels deep",
        )
    number = _LONG_NUMBER.search(text)
    line = text.count("\n", 0, number.start()) + 1 if number else None
    return Problem(line, None, "a number with thousands of digits; write a whole number such as 5")


def _nesting_line(text: str) -> int | None:
    """The first line where brackets and braces outside strings and comments open deeper than
    ``_NESTING_SHOWN`` levels."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        code = _QUOTED.sub("", line).split("#", 1)[0]
        for character in code:
            if character in "[{":
                depth += 1
                if depth > _NESTING_SHOWN:
                    return number
            elif character in "]}":
                depth -= 1
    return None
