"""The item table as CSV: UTF-8, one header row, formulas neutralised."""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Iterable, Sequence

from delphi.reports.data import StudyReport
from delphi.reports.safety import FORMULA_STARTS, neutralise
from delphi.reports.table import rows_for

LINE_END = "\r\n"


def _cell(value: object) -> object:
    """None becomes an empty cell; booleans are written as true/false like JSON; text that
    could start a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def _cells(row: Iterable[object]) -> list[object]:
    # Plain numbers and harmless text (most cells) pass without a call: raw data has millions.
    return [
        value
        if (kind := value.__class__) is int
        or kind is float
        or (kind is str and not value.startswith(FORMULA_STARTS))  # type: ignore[attr-defined]
        else _cell(value)
        for value in row
    ]


# Cells the csv module writes as ``_cell`` would: None as an empty cell, numbers as themselves.
_AS_THEY_ARE = frozenset({int, float, str, type(None)})


def _written_as_they_are(width: int, rows: list[Sequence[object]]) -> bool:
    """Whether every cell of ``rows`` needs nothing from ``_cell``: no booleans or other kinds,
    and no text that could start a formula. Checked column by column, over each column's kinds
    and then its distinct texts, so a file of hundreds of thousands of rows of a few hundred
    distinct codes is checked without a Python step per cell."""
    if set(map(len, rows)) - {width}:
        return False
    for column in range(width):
        cells = operator.itemgetter(column)
        kinds = set(map(type, map(cells, rows)))
        if not kinds <= _AS_THEY_ARE:
            return False
        if str in kinds and any(
            text.__class__ is str and text.startswith(FORMULA_STARTS)
            for text in set(map(cells, rows))
        ):
            return False
    return True


def write_csv(header: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(header)
    if isinstance(rows, list) and _written_as_they_are(len(header), rows):
        writer.writerows(rows)
    else:
        writer.writerows(map(_cells, rows))
    return buffer.getvalue().encode("utf-8")


def csv_fields(cells: Sequence[object]) -> str:
    """Two or more cells as CSV text without the line's end, as ``write_csv`` writes them within
    a row, so that parts of a row can be written once and joined with commas into many rows.
    The cells are written as they are: each None, a number or text already neutralised."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=LINE_END).writerow(cells)
    return buffer.getvalue()[: -len(LINE_END)]


def export_csv(report: StudyReport) -> bytes:
    """One row per item of each reported round."""
    return write_csv(*rows_for(report, report.item_rows))
