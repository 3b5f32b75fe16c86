"""The report as an HTML document (served in the console, saved by ``delphi export``) and as a
PDF drawn from the same HTML by WeasyPrint."""
from __future__ import annotations

import math
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from delphi.reports.charts import flow_diagram, histogram
from delphi.reports.data import ItemRow, StudyReport
from delphi.reports.settings import regions_of

DECISION_WORDS = {
    "consensus_in": "Consensus in: kept in the guidance",
    "consensus_out": "Consensus out: left out of the guidance",
    "carry_forward": "Carried forward to the next round",
    "reworded": "Reworded for the next round",
}


def stylesheet_path() -> Path:
    return Path(current_app.static_folder) / "report.css"


def number(value: object, digits: int = 2) -> str:
    """A statistic as shown in the report: rounded to ``digits`` decimals; a dash when absent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return str(value)


def reason_words(summary: dict) -> str:
    """The engine's reason without its leading status ("in: 89% rated 7-9 ..." -> "89% ...")."""
    reason, status = summary.get("reason") or "", summary.get("status") or ""
    return reason[len(status) + 2:] if reason.startswith(f"{status}: ") else reason


def stability_words(stability: dict | None) -> str:
    """The engine's frozen stability measures in a sentence."""
    if not stability:
        return "not rated in the round before"
    if not stability.get("n_paired"):
        return "no panellist rated it in both rounds"
    verdict = {True: "stable", False: "not stable"}.get(stability.get("stable"), "")
    parts = [f"{number(stability.get('pct_changed'), 1)}% of {stability['n_paired']} "
             "panellists rating it in both rounds changed their rating",
             f"mean change {number(stability.get('mean_abs_change'))}",
             f"{number(stability.get('pct_region_changed'), 1)}% moved region"]
    if stability.get("wilcoxon_p") is not None:
        parts.append(f"Wilcoxon p = {number(stability['wilcoxon_p'], 3)}")
    return f"{verdict}: " + "; ".join(parts) if verdict else "; ".join(parts)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _chart_maker(report: StudyReport):
    points = report.study.scale_points

    def chart(row: ItemRow, summary: dict | None = None, width: int = 250) -> Markup:
        summary = row.summary if summary is None else summary
        settings = next((r.settings for r in report.rounds if r.number == row.round), None)
        regions = regions_of(settings or {})
        return histogram(summary.get("counts") or {}, points, median=summary.get("median"),
                         low=regions[0] if regions else None,
                         high=regions[1] if regions else None,
                         title=f"Ratings of item {row.code} in round {row.round}", width=width,
                         height=105)

    return chart


def render_html(report: StudyReport, *, stylesheet: str) -> str:
    """The report page. ``stylesheet`` is "link" in the console (the CSP forbids inline styles),
    "inline" for a saved file that needs nothing else, "none" for WeasyPrint (given it apart)."""
    flows = [r.flow for r in report.rounds
             if r.flow is not None and r.number in report.reported_rounds]
    css = Markup(stylesheet_path().read_text(encoding="utf-8")) if stylesheet == "inline" else None
    return render_template(
        "reports/report.html", report=report, study=report.study, inline_css=css,
        link_css=stylesheet == "link",
        flow_svg=flow_diagram(flows) if flows else None, chart=_chart_maker(report),
        num=number, percent=percent, reason_words=reason_words, stability_words=stability_words,
        decision_words=DECISION_WORDS,
    )


def export_html(report: StudyReport) -> bytes:
    return render_html(report, stylesheet="inline").encode("utf-8")


def export_pdf(report: StudyReport) -> bytes:
    """The same page printed by WeasyPrint; charts stay vector (SVG)."""
    from weasyprint import CSS, HTML

    page = render_html(report, stylesheet="none")
    return HTML(string=page, base_url=str(stylesheet_path().parent)).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet_path()))])
