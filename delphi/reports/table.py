"""The item table shared by the CSV, XLSX and JSON exports: one row per item and round.

Numbers are written exactly as the consensus engine froze them (unrounded).
"""

from __future__ import annotations

from delphi.reports.data import ItemRow, StudyReport
from delphi.reports.settings import SETTINGS_COLUMNS, settings_columns

# The foundation issue's columns, in its order; count_<k> columns follow.
LEADING = [
    "round",
    "section",
    "item",
    "text",
    "n",
    "n_unable",
    "median",
    "q1",
    "q3",
    "iqr",
    "pct_low",
    "pct_mid",
    "pct_high",
    "consensus",
]
STATISTICS = [
    "n_missing",
    "mean",
    "sd",
    "p30",
    "p70",
    "ipr",
    "ipr_central",
    "asymmetry",
    "ipras",
    "disagreement",
]
TRAILING = ["reason", "decision", "decision_reason", "origin", "reworded_from"]
STABILITY_PREFIX = "stability_"


def stability_keys(rows: list[ItemRow]) -> list[str]:
    """The stability measures present in any row, in the engine's order."""
    keys: list[str] = []
    for row in rows:
        for key in row.stability or {}:
            if key not in keys:
                keys.append(key)
    return keys


def header(report: StudyReport, rows: list[ItemRow]) -> list[str]:
    points = [f"count_{k}" for k in report.study.scale_points]
    stability = [STABILITY_PREFIX + k for k in stability_keys(rows)]
    return LEADING + points + STATISTICS + TRAILING + stability + SETTINGS_COLUMNS


def _count(summary: dict, point: int) -> int:
    counts = summary.get("counts") or {}
    return int(counts.get(str(point), counts.get(point, 0)))  # JSON keys are strings


def round_settings_columns(report: StudyReport) -> dict[int, dict[str, object]]:
    """Each round's settings as the item table's constant columns, worked out once a round."""
    return {r.number: settings_columns(r.settings or {}) for r in report.rounds}


def record(
    report: StudyReport,
    row: ItemRow,
    summary: dict | None = None,
    stability: list[str] | None = None,
    constants: dict[int, dict[str, object]] | None = None,
) -> dict[str, object]:
    """The row as a mapping of column to value; ``summary`` replaces the overall one (groups).
    ``constants`` is ``round_settings_columns(report)``, given when many rows are recorded."""
    summary = row.summary if summary is None else summary
    values: dict[str, object] = {
        "round": row.round,
        "section": row.section_code,
        "item": row.code,
        "text": row.text,
    }
    for key in LEADING[4:-1]:
        values[key] = summary.get(key)
    values["consensus"] = summary.get("status", row.status)
    for point in report.study.scale_points:
        values[f"count_{point}"] = _count(summary, point)
    for key in STATISTICS:
        values[key] = summary.get(key)
    values["reason"] = summary.get("reason", "")
    values["decision"] = row.decision or ""
    values["decision_reason"] = row.decision_reason or ""
    values["origin"] = row.origin  # guidance, suggestion or rewording
    values["reworded_from"] = row.reworded_from or ""
    for key in stability if stability is not None else stability_keys([row]):
        values[STABILITY_PREFIX + key] = (row.stability or {}).get(key)
    if constants is None:
        constants = round_settings_columns(report)
    values.update(constants.get(row.round) or settings_columns({}))
    return values


def rows_for(report: StudyReport, rows: list[ItemRow]) -> tuple[list[str], list[list[object]]]:
    """Header and value rows of the item table."""
    columns = header(report, rows)
    stability = stability_keys(rows)
    constants = round_settings_columns(report)
    records = (record(report, row, stability=stability, constants=constants) for row in rows)
    return columns, [[values.get(c) for c in columns] for values in records]
