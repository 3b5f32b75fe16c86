"""What an author needs around the results, as tables and data for the XLSX and JSON exports:
the protocol, the methods paragraph, the limitations and the pre-filled ACCORD checklist (the
HTML and PDF report show the same from ``reports/_protocol.html`` and its siblings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from delphi.reports.checklist import checklist_table
from delphi.reports.protocol import ProtocolRow
from delphi.studies.protocol import BY_KEY

if TYPE_CHECKING:
    from delphi.reports.data import StudyReport


def authoring_tables(report: StudyReport) -> list[tuple[str, list[str], list[list[object]]]]:
    """(sheet title, header, rows) of each part; an unreported protocol field reads so."""
    return [
        (
            "Protocol",
            ["field", "label", "value"],
            [[row.key, row.label, row.shown] for row in report.protocol],
        ),
        (
            "Methods",
            ["topic", "paragraph"],
            [[paragraph.topic, paragraph.text] for paragraph in report.methods],
        ),
        (
            "Limitations",
            ["topic", "limitation"],
            [[limitation.topic, limitation.text] for limitation in report.limitations],
        ),
        ("ACCORD checklist", *checklist_table(report)),
    ]


def _json_value(row: ProtocolRow) -> str | int | None:
    if not row.text:
        return None
    return int(row.text) if BY_KEY[row.key].is_number else row.text


def authoring_dict(report: StudyReport) -> dict:
    """The same parts for the JSON export: protocol values are null when not reported."""
    return {
        "protocol": {row.key: _json_value(row) for row in report.protocol},
        "methods": [
            {"topic": p.topic, "anchor": f"methods-{p.anchor}", "text": p.text}
            for p in report.methods
        ],
        "limitations": [{"topic": x.topic, "text": x.text} for x in report.limitations],
        "accord_checklist": [
            {
                "item": row.item,
                "section": row.section,
                "topic": row.topic,
                "status": row.status,
                "answered_in": [anchor for anchor, _ in row.answered_in],
                "field_to_fill": row.missing,
            }
            for row in report.checklist
        ],
    }
