"""Reading imported files and reporting what is wrong with them, precisely.

Every import (study file, panel, responses, items) is validated completely before anything is
written. Problems are collected, each naming the file, the line and the key or column, and raised
together as one ``InvalidFile`` so the user can fix the whole file at once.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from delphi.refusal import Refused

# Enough to fix a file in one go without burying the first problems under a flood.
MAX_PROBLEMS = 50
# Far beyond any real study, panel or responses file; a bigger one is a mistake or an attack.
MAX_FILE_BYTES = 10 * 1024 * 1024
# Files the command line reads from disk (a research team's own files, e.g. 400,000 responses
# typed in from paper) may be larger; still bounded, since the whole file is checked in memory.
COMMAND_LINE_MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (line, key or column) and what."""

    line: int | None
    where: str | None
    message: str

    def describe(self, filename: str) -> str:
        """One line: the file, line and key or column, then what is wrong."""
        place = [filename]
        if self.line is not None:
            place.append(f"line {self.line}")
        if self.where:
            place.append(self.where)
        return one_line(f"{', '.join(place)}: {self.message}")


def one_line(text: str) -> str:
    """``text`` with control characters written as escapes (a column named with a vertical tab
    or a line break must not split the problem's line in two)."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


class InvalidFile(Refused):
    """A file cannot be imported; carries every problem found, one per line of the message."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        lines = [problem.describe(filename) for problem in problems]
        if len(problems) >= MAX_PROBLEMS:
            lines.append(f"(stopped after {MAX_PROBLEMS} problems)")
        super().__init__("\n".join(lines))


class Problems:
    """Collects problems while a file is checked; ``raise_if_any`` ends the check."""

    def __init__(self, filename: str):
        self.filename = filename
        self.found: list[Problem] = []

    def add(self, line: int | None, where: str | None, message: str) -> None:
        self.found.append(Problem(line, where, message))
        if len(self.found) >= MAX_PROBLEMS:
            self.raise_if_any()

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidFile(self.filename, sorted(self.found, key=_line_order))


def _line_order(problem: Problem) -> int:
    return problem.line if problem.line is not None else 0


def decode_utf8(data: bytes, filename: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text; a leading byte order mark is dropped, anything but UTF-8 is refused,
    and so is a file over ``max_bytes`` (``MAX_FILE_BYTES`` unless the caller allows more)."""
    _require_size(data, filename, max_bytes)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidFile(
            filename,
            [
                Problem(
                    line,
                    None,
                    f"byte 0x{data[error.start]:02x} is not UTF-8 text; save the file as UTF-8 "
                    "(in Excel: CSV UTF-8)",
                )
            ],
        ) from error


def _require_size(data: bytes, filename: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    if len(data) > max_bytes:
        raise InvalidFile(
            filename,
            [
                Problem(
                    None,
                    None,
                    f"the file is {len(data) / 1024 / 1024:.1f} MB; at most "
                    f"{max_bytes // 1024 // 1024} MB can be imported "
                    "(split it into smaller files)",
                )
            ],
        )


class CsvRow(NamedTuple):
    """A data row of a CSV file with the line it starts on, cells keyed by column name (a tuple:
    made many thousand times a file, faster than a frozen dataclass)."""

    line: int
    cells: dict[str, str]


def read_csv(
    data: bytes,
    filename: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    delimiter: str = ",",
    max_bytes: int = MAX_FILE_BYTES,
) -> list[CsvRow]:
    """Rows of a UTF-8 CSV file whose header names exactly the expected columns (any order).

    Column names are matched without regard to case or surrounding spaces; cells are stripped.
    Blank lines are skipped. Raises InvalidFile for a wrong header, a row with the wrong number
    of cells, or text that is not CSV. ``delimiter`` "\t" reads cells copied from a spreadsheet.
    ``max_bytes`` raises the size limit for files read from disk by the command line.
    """
    problems = Problems(filename)
    rows = list(
        stream_csv(
            data,
            filename,
            required=required,
            optional=optional,
            problems=problems,
            delimiter=delimiter,
            max_bytes=max_bytes,
        )
    )
    problems.raise_if_any()
    return rows


def stream_csv(
    data: bytes,
    filename: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    problems: Problems,
    delimiter: str = ",",
    max_bytes: int = MAX_FILE_BYTES,
) -> Iterator[CsvRow]:
    """``read_csv`` one row at a time, for files too large to hold as rows at once.

    A wrong header, binary data or text that is not CSV raise InvalidFile at once; a row with the
    wrong number of cells is added to ``problems`` and skipped, and the caller, which adds its own
    problems with the rows', raises them all when the rows are done.
    """
    columns, records = csv_records(
        data,
        filename,
        required=required,
        optional=optional,
        problems=problems,
        delimiter=delimiter,
        max_bytes=max_bytes,
    )
    return _data_rows(records, columns, ", ".join(required + optional), problems)


def csv_records(
    data: bytes,
    filename: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    problems: Problems,
    delimiter: str = ",",
    max_bytes: int = MAX_FILE_BYTES,
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header's columns (checked as ``read_csv`` checks them) and the records under it, each
    with the line it starts on, its cells as read: for files of hundreds of thousands of rows,
    whose reader takes the cells it needs by position (stripping them, skipping blank records
    and adding a problem for a record of the wrong width itself, as ``stream_csv`` does).
    """
    text = decode_utf8(data, filename, max_bytes=max_bytes)
    if "\x00" in text:
        raise InvalidFile(
            filename,
            [
                Problem(
                    text.count("\n", 0, text.index("\x00")) + 1,
                    None,
                    "the file contains binary data; expected a CSV text file",
                )
            ],
        )
    del text  # checked; the reader decodes the bytes again a chunk at a time
    # A text stream over the bytes rather than over the text: a StringIO keeps its own copy of
    # the text at four bytes a character, 48 MB for a file of 12 MB.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    records = _rows_with_lines(reader, problems)
    return _header(records, problems, required, optional), records


def wrong_width(line: int, cells: list[str], width: int, expected: str, problems: Problems):
    """Add a problem for a record that has not ``width`` cells, unless it is blank."""
    if "".join(cells).strip():
        problems.add(line, None, f"found {len(cells)} cells, expected {width} ({expected})")


def _table(
    rows: Iterator[tuple[int, list[str]]],
    problems: Problems,
    required: tuple[str, ...],
    optional: tuple[str, ...],
) -> list[CsvRow]:
    """The data rows under a header naming exactly the expected columns, however the rows were
    read (CSV records, spreadsheet rows); raises InvalidFile with every problem."""
    columns = _header(rows, problems, required, optional)
    result = list(_data_rows(rows, columns, ", ".join(required + optional), problems))
    problems.raise_if_any()
    return result


def _header(
    rows: Iterator[tuple[int, list[str]]],
    problems: Problems,
    required: tuple[str, ...],
    optional: tuple[str, ...],
) -> list[str]:
    """The columns the header row names, in order; raises InvalidFile unless they are exactly
    the expected ones."""
    expected = ", ".join(required + optional)
    header = next(rows, None)
    if header is None:
        problems.add(1, None, f"the file is empty; expected a header row: {expected}")
        problems.raise_if_any()
    assert header is not None  # raise_if_any() raised the problem just added
    header_line, names = header
    columns = [name.strip().lower() for name in names]
    for column in required:
        if column not in columns:
            problems.add(
                header_line,
                f"column {column}",
                f"missing column {column!r}; expected the columns: {expected}",
            )
    seen: set[str] = set()
    for name in columns:
        if name not in required + optional:
            problems.add(
                header_line,
                f"column {name or '(blank)'}",
                f"unexpected column {name!r}; expected the columns: {expected}",
            )
        elif name in seen:
            problems.add(header_line, f"column {name}", f"column {name!r} appears twice")
        seen.add(name)
    problems.raise_if_any()
    return columns


def _data_rows(
    rows: Iterator[tuple[int, list[str]]], columns: list[str], expected: str, problems: Problems
) -> Iterator[CsvRow]:
    """The rows under the header, cells stripped and keyed by column; blank rows skipped."""
    width = len(columns)
    for line, cells in rows:
        if len(cells) != width:
            wrong_width(line, cells, width, expected, problems)
            continue
        stripped = [cell.strip() for cell in cells]
        if any(stripped):
            yield CsvRow(line, dict(zip(columns, stripped, strict=True)))


def _rows_with_lines(reader, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; a CSV syntax error ends the file with a problem."""
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        problems.add(reader.line_num, None, f"this is not valid CSV ({error})")
        problems.raise_if_any()


# Far beyond any real file; a workbook claiming more rows is a mistake or a decompression bomb.
MAX_SHEET_ROWS = 100_000


def read_xlsx(
    data: bytes, filename: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[CsvRow]:
    """Rows of an Excel workbook's first sheet, checked exactly as ``read_csv`` checks a CSV file.

    The first non-empty row is the header; a row's line is its row number in the sheet. Cells
    are read as the values Excel shows (a whole number without ".0"), never as formulas.
    """
    from openpyxl import load_workbook

    _require_size(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidFile(
            filename,
            [
                Problem(
                    None,
                    None,
                    "this is not an Excel workbook (.xlsx) that can be read; save it again "
                    "as an Excel workbook, or as CSV UTF-8",
                )
            ],
        ) from error
    try:
        problems = Problems(filename)
        sheet = workbook.worksheets[0]
        return _table(
            _sheet_rows(sheet.iter_rows(values_only=True), problems), problems, required, optional
        )
    finally:
        workbook.close()


def _sheet_rows(rows, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """Each row from the header on with its row number, as text; empty cells past the header's
    last column are dropped, so a row is as long as the header unless it holds more."""
    width = None
    for number, values in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            problems.add(
                number,
                None,
                f"the sheet has more than {MAX_SHEET_ROWS:,} rows; split it into smaller files",
            )
            problems.raise_if_any()
        cells = [_cell_text(value) for value in values]
        if width is None:
            if not any(cell.strip() for cell in cells):
                continue
            while cells and not cells[-1].strip():
                cells.pop()
            width = len(cells)
        else:
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            cells += [""] * (width - len(cells))
        yield number, cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
