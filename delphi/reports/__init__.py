"""Consensus reports and exports: HTML, PDF, CSV, XLSX, JSON and raw ratings.

Every format is made from the same report model (``data.build_report``), which reads the frozen
round summaries and never recomputes a statistic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from delphi.models import Study
from delphi.reports.checklist import export_checklist_csv
from delphi.reports.csv_export import export_csv
from delphi.reports.data import ReportError, StudyReport, build_report
from delphi.reports.html import export_html, export_pdf
from delphi.reports.json_export import export_json
from delphi.reports.raw_export import export_raw
from delphi.reports.xlsx_export import export_xlsx


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str  # what the download link says
    content_type: str  # the whole Content-Type header, with the charset of text formats
    extension: str
    render: Callable[[StudyReport], bytes]
    holds: str  # what the file holds and who it is for, on the reports page
    stem: str = "report"  # the file name's last word: <slug>[-roundN]-<stem>.<extension>


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "html",
            "Report (HTML)",
            "text/html; charset=utf-8",
            "html",
            export_html,
            "The report to read and share: the methods and consensus definition, participation, "
            "and each item's statistics, distribution, consensus status with its reason, round "
            "by round, ending with the final list. One web page that opens without the app.",
        ),
        ExportFormat(
            "pdf",
            "Report (PDF)",
            "application/pdf",
            "pdf",
            export_pdf,
            "The same report as the HTML, laid out on A4 pages for printing, archiving or "
            "attaching to a paper.",
        ),
        ExportFormat(
            "csv",
            "Item table (CSV)",
            "text/csv; charset=utf-8",
            "csv",
            export_csv,
            "One row per item and round: counts per scale point and every statistic of the "
            "consensus engine, unrounded, with the consensus settings as constant columns. "
            "Opens in Excel with accents intact. The other tables are in the supplementary "
            "bundle.",
        ),
        ExportFormat(
            "xlsx",
            "Workbook (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            export_xlsx,
            "A sheet per round, a sheet per stakeholder group large enough to be shown "
            "separately (its decision columns are the whole panel's), a sheet per part of the "
            "report (participation, participant flow, item flow, final status, decisions, "
            "comments, suggestions) and a settings sheet.",
        ),
        ExportFormat(
            "json",
            "Data (JSON)",
            "application/json",
            "json",
            export_json,
            "The whole report as data, for scripts: the settings, every item's statistics "
            "overall and per group, round by round, the participation and participant flow, "
            "every item's final status and the team's decisions.",
        ),
        ExportFormat(
            "accord",
            "ACCORD checklist (CSV)",
            "text/csv; charset=utf-8",
            "csv",
            export_checklist_csv,
            "The ACCORD reporting checklist, pre-filled: for each of its 35 items, where the "
            "report answers it, or the field (such as the Protocol page's) that would.",
            stem="accord-checklist",
        ),
        ExportFormat(
            "raw",
            "Raw ratings and codebook (ZIP)",
            "application/zip",
            "zip",
            export_raw,
            "Every rating in long format with pseudonymous panellist ids, and a codebook, for "
            "R, SPSS or Stata.",
        ),
    )
}


def export(
    study: Study,
    name: str,
    round_number: int | None = None,
    on_round: Callable[[int], None] | None = None,
) -> bytes:
    """The study's report (or one closed round's) in the named format. Raises ReportError."""
    report = build_report(study, round_number, on_round=on_round)
    return FORMATS[name].render(report)


def filename(study: Study, name: str, round_number: int | None = None) -> str:
    part = f"-round{round_number}" if round_number is not None else ""
    return f"{study.slug}{part}-{FORMATS[name].stem}.{FORMATS[name].extension}"


__all__ = ["FORMATS", "ExportFormat", "ReportError", "export", "filename"]
