"""The report as an XLSX workbook: a sheet per round, per stakeholder group, per part of the
report (participation, participant flow, item flow, final status, decisions, comments,
suggestions) and the settings.

Numbers are stored as numbers; text that could start a formula is neutralised.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from delphi.consent.characteristics import as_rows as characteristic_rows
from delphi.reports.authoring import authoring_tables
from delphi.reports.data import StudyReport
from delphi.reports.safety import neutralise_row
from delphi.reports.settings import settings_columns
from delphi.reports.story import story_tables
from delphi.reports.table import (
    header,
    record,
    round_settings_columns,
    rows_for,
    stability_keys,
)
from delphi.reports.xlsx_rows import add_sheet

_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
# A group sheet's decision columns hold the whole panel's decision, named so.
WHOLE_PANEL = {
    "decision": "decision_of_whole_panel",
    "decision_reason": "decision_reason_of_whole_panel",
}


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet title (at most 31 characters, none of []:*?/\\)."""
    base = _NOT_IN_SHEET_NAMES.sub(" ", name).strip("' ")[:31] or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _fill(
    sheet: WriteOnlyWorksheet, columns: list[str], rows: list[list[object]], freeze: bool = True
) -> None:
    """Write the header row in bold (kept in view when ``freeze``) and the rows, neutralised."""
    if freeze:
        sheet.freeze_panes = "A2"  # before the first row: a streamed sheet writes its view first
    bold = Font(bold=True)
    names = [WriteOnlyCell(sheet, value=column) for column in columns]
    for name in names:
        name.font = bold
    sheet.append(names)
    for row in rows:
        sheet.append(neutralise_row(row))


def _settings_rows(report: StudyReport) -> list[list[object]]:
    study = report.study
    rows: list[list[object]] = [
        ["study", study.title],
        ["slug", study.slug],
        ["scale_min", study.scale_min],
        ["scale_max", study.scale_max],
    ]
    for point in study.scale_points:
        if study.label_for(point):
            rows.append([f"label_{point}", study.label_for(point)])
    rows.append(["unable_to_rate_offered", study.unable_to_rate])
    rows.append(["min_group_size", study.min_group_size])
    for key, value in settings_columns(report.settings).items():
        rows.append([key, value])
    for number, sentence in enumerate(report.settings_words, start=1):
        rows.append([f"definition_{number}", sentence])
    return rows


def _comment_rows(report: StudyReport) -> tuple[list[str], list[list[object]]]:
    """What panellists wrote and the team's summaries, one row each, with the writer's group."""
    columns = ["round", "section", "item", "kind", "group", "text"]
    rows: list[list[object]] = []
    for round_ in report.rounds:
        if round_.number not in report.reported_rounds:
            continue
        for section in round_.section_comments:
            for remark in section.remarks:
                rows.append(
                    [round_.number, section.code, "", "section comment", remark.group, remark.text]
                )
        for row in round_.items:
            if row.argument_summary:
                rows.append(
                    [
                        round_.number,
                        row.section_code,
                        row.code,
                        "summary of the arguments",
                        "",
                        row.argument_summary,
                    ]
                )
            for remark in row.remarks:
                rows.append(
                    [
                        round_.number,
                        row.section_code,
                        row.code,
                        "comment",
                        remark.group,
                        remark.text,
                    ]
                )
            for remark in row.reasons:
                rows.append(
                    [
                        round_.number,
                        row.section_code,
                        row.code,
                        "reason outside the IQR",
                        remark.group,
                        remark.text,
                    ]
                )
    return columns, rows


def _suggestion_rows(report: StudyReport) -> tuple[list[str], list[list[object]]]:
    columns = [
        "round",
        "kind",
        "section",
        "item",
        "group",
        "text",
        "outcome",
        "resulting_item",
        "reason",
    ]
    rows: list[list[object]] = [
        [
            s.round,
            s.kind,
            s.section_code,
            s.item_code,
            s.group,
            s.text,
            s.outcome_label,
            s.resulting_code,
            s.reason,
        ]
        for round_ in report.rounds
        if round_.number in report.reported_rounds
        for s in round_.suggestions
    ]
    return columns, rows


def _excluded_rows(report: StudyReport) -> tuple[list[str], list[list[object]]]:
    columns = ["section", "item", "text", "round", "median", "decision_reason"]
    rows: list[list[object]] = [
        [title, row.code, row.text, row.round, row.summary.get("median"), row.decision_reason]
        for title, items in report.excluded_items
        for row in items
    ]
    return columns, rows


def export_xlsx(report: StudyReport) -> bytes:
    """The workbook, streamed sheet by sheet (openpyxl's write-only mode): no cell objects are
    kept for the hundreds of thousands of cells a large study has."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()

    def sheet(title: str) -> WriteOnlyWorksheet:
        return add_sheet(workbook, sheet_title(title, taken))

    # With no round to report, the settings come first, as the workbook's opening sheet.
    settings = None if report.reported_rounds else sheet("Settings")
    for round_ in report.rounds:
        if round_.number in report.reported_rounds:
            _fill(sheet(f"Round {round_.number}"), *rows_for(report, round_.items))

    rows = report.item_rows
    stability = stability_keys(rows)
    item_columns = header(report, rows)
    constants = round_settings_columns(report)
    for group in report.shown_groups:
        # The decision is the whole panel's, taken once for every group: its columns say so.
        columns = ["group", *(WHOLE_PANEL.get(c, c) for c in item_columns)]
        values = []
        for row in rows:
            if group in row.group_summaries:
                summary = row.group_summaries[group]
                cells = record(report, row, summary, stability, constants)
                values.append([group] + [cells.get(c) for c in item_columns])
        _fill(sheet(f"Group {group}"), columns, values)

    for title, columns, values in story_tables(report):
        _fill(sheet(title), columns, values)

    if report.characteristics is not None:
        _fill(sheet("Panel characteristics"), *characteristic_rows(report.characteristics))

    if report.reported_rounds:
        _fill(sheet("Comments"), *_comment_rows(report))
        _fill(sheet("Suggestions"), *_suggestion_rows(report))
        _fill(sheet("Excluded items"), *_excluded_rows(report))

    if settings is None:
        settings = sheet("Settings")
    _fill(settings, ["setting", "value"], _settings_rows(report), freeze=False)
    for title, columns, values in authoring_tables(report):
        _fill(sheet(title), columns, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
