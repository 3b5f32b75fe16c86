"""Consensus reports and exports: HTML, PDF, CSV, XLSX, JSON and raw ratings.

Every format is made from the same report model (``data.build_report``), which reads the frozen
round summaries and never recomputes a statistic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from delphi.models import Study
from delphi.reports.csv_export import export_csv
from delphi.reports.data import ReportError, StudyReport, build_report
from delphi.reports.html import export_html, export_pdf
from delphi.reports.json_export import export_json
from delphi.reports.raw_export import export_raw
from delphi.reports.xlsx_export import export_xlsx


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str  # what the download button says
    content_type: str  # the whole Content-Type header, with the charset of text formats
    extension: str
    render: Callable[[StudyReport], bytes]


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("html", "Report (HTML)", "text/html; charset=utf-8", "html", export_html),
        ExportFormat("pdf", "Report (PDF)", "application/pdf", "pdf", export_pdf),
        ExportFormat("csv", "Item table (CSV)", "text/csv; charset=utf-8", "csv", export_csv),
        ExportFormat(
            "xlsx",
            "Workbook (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            export_xlsx,
        ),
        ExportFormat("json", "Data (JSON)", "application/json", "json", export_json),
        ExportFormat("raw", "Raw ratings and codebook (ZIP)", "application/zip", "zip", export_raw),
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
    return f"{study.slug}{part}-report.{FORMATS[name].extension}"


__all__ = ["FORMATS", "ExportFormat", "ReportError", "export", "filename"]
