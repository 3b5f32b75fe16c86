"""The report as an XLSX workbook: a sheet per round, per stakeholder group, per part of the
report (participation, participant flow, item flow, final status, decisions, comments,
suggestions) and the settings.

Numbers are stored as numbers; text that could start a formula is neutralised.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from delphi.consent.characteristics import as_rows as characteristic_rows
from delphi.reports.authoring import authoring_tables
from delphi.reports.data import StudyReport
from delphi.reports.safety import neutralise_row
from delphi.reports.settings import settings_columns
from delphi.reports.story import story_tables
from delphi.reports.table import header, record, rows_for, stability_keys

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


def _fill(sheet: Worksheet, columns: list[str], rows: list[list[object]]) -> None:
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(neutralise_row(row))
    sheet.freeze_panes = "A2"


def _settings_sheet(sheet: Worksheet, report: StudyReport) -> None:
    study = report.study
    sheet.append(["setting", "value"])
    sheet.append(["study", study.title])
    sheet.append(["slug", study.slug])
    sheet.append(["scale_min", study.scale_min])
    sheet.append(["scale_max", study.scale_max])
    for point in study.scale_points:
        if study.label_for(point):
            sheet.append([f"label_{point}", study.label_for(point)])
    sheet.append(["unable_to_rate_offered", study.unable_to_rate])
    sheet.append(["min_group_size", study.min_group_size])
    for key, value in settings_columns(report.settings).items():
        sheet.append([key, value])
    for number, sentence in enumerate(report.settings_words, start=1):
        sheet.append([f"definition_{number}", sentence])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        row[1].value = neutralise_row([row[1].value])[0]


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
    workbook = Workbook()
    taken: set[str] = set()
    first = True
    for round_ in report.rounds:
        if round_.number not in report.reported_rounds:
            continue
        sheet = workbook.active if first else workbook.create_sheet()
        assert isinstance(sheet, Worksheet)  # a new workbook's active sheet is its worksheet
        first = False
        sheet.title = sheet_title(f"Round {round_.number}", taken)
        _fill(sheet, *rows_for(report, round_.items))

    rows = report.item_rows
    stability = stability_keys(rows)
    for group in report.shown_groups:
        sheet = workbook.create_sheet(sheet_title(f"Group {group}", taken))
        # The decision is the whole panel's, taken once for every group: its columns say so.
        columns = ["group", *(WHOLE_PANEL.get(c, c) for c in header(report, rows))]
        values = []
        for row in rows:
            if group in row.group_summaries:
                cells = record(report, row, summary=row.group_summaries[group], stability=stability)
                values.append([group] + [cells.get(c) for c in header(report, rows)])
        _fill(sheet, columns, values)

    for title, columns, values in story_tables(report):
        _fill(workbook.create_sheet(sheet_title(title, taken)), columns, values)

    if report.characteristics is not None:
        panel = workbook.create_sheet(sheet_title("Panel characteristics", taken))
        _fill(panel, *characteristic_rows(report.characteristics))

    if not first:
        _fill(workbook.create_sheet(sheet_title("Comments", taken)), *_comment_rows(report))
        _fill(workbook.create_sheet(sheet_title("Suggestions", taken)), *_suggestion_rows(report))
        _fill(workbook.create_sheet(sheet_title("Excluded items", taken)), *_excluded_rows(report))

    sheet = workbook.active if first else workbook.create_sheet()
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_title("Settings", taken)
    _settings_sheet(sheet, report)
    for title, columns, values in authoring_tables(report):
        _fill(workbook.create_sheet(sheet_title(title, taken)), columns, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
