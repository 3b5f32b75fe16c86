"""The item table as CSV: UTF-8, one header row, formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from delphi.reports.data import StudyReport
from delphi.reports.safety import FORMULA_STARTS, neutralise
from delphi.reports.table import rows_for


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


def write_csv(header: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(map(_cells, rows))
    return buffer.getvalue().encode("utf-8")


def export_csv(report: StudyReport) -> bytes:
    """One row per item of each reported round."""
    return write_csv(*rows_for(report, report.item_rows))
