"""The item table as CSV: UTF-8, one header row, formulas neutralised."""

from __future__ import annotations

import csv
import io

from delphi.reports.data import StudyReport
from delphi.reports.safety import neutralise_row
from delphi.reports.table import rows_for


def _cell(value: object) -> object:
    """None becomes an empty cell; booleans are written as true/false like JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(neutralise_row([_cell(v) for v in row]))
    return buffer.getvalue().encode("utf-8")


def export_csv(report: StudyReport) -> bytes:
    """One row per item of each reported round."""
    return write_csv(*rows_for(report, report.item_rows))
