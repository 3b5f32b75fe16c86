"""The report as an HTML document (served in the console, saved by ``delphi export``) and as a
PDF drawn from the same HTML by WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import current_app, render_template
from markupsafe import Markup

from delphi.charts import REPORT, DistributionChart, distribution_chart
from delphi.consensus import ItemSummary
from delphi.consensus.stability import REWORDED
from delphi.formatting import number, percent
from delphi.models import Decision
from delphi.reports.charts import flow_diagram
from delphi.reports.data import ItemRow, StudyReport
from delphi.reports.flow import MOVES, STAGES, participant_diagram, title_lines
from delphi.reports.item_status import final_of
from delphi.reports.settings import regions_of
from delphi.reports.story import decision_log

# What became of an item, by the decision's stored value (the report's rows hold values).
DECISION_WORDS = {decision.value: decision.outcome for decision in Decision}
# The statistics the report writes for an item, and for each of its stakeholder groups.
ITEM_NUMBERS = (
    "n", "n_unable", "n_missing", "median", "q1", "q3", "iqr", "mean", "sd", "ipr", "p30", "p70",
    "ipras",
)  # fmt: skip
GROUP_NUMBERS = ("n", "median", "q1", "q3")
PERCENTS = ("pct_low", "pct_mid", "pct_high")


def stylesheet_path() -> Path:
    static = current_app.static_folder
    assert static is not None  # the app is made with its static folder
    return Path(static) / "report.css"


def reason_words(summary: dict) -> str:
    """Why a frozen summary has its status ("89% rated 7-9 ..."), shown after the status."""
    return ItemSummary.from_dict(summary).explanation if summary else ""


def item_figures(summary: dict) -> SimpleNamespace:
    """A frozen summary's statistics written as the report shows them ("6.5", "67%", "–"):
    formatted here, once each, rather than by a template call per table cell."""
    return _figures(summary, ITEM_NUMBERS)


def group_figures(summary: dict) -> SimpleNamespace:
    """The statistics of a stakeholder group's summary that its row in an item's table shows."""
    return _figures(summary, GROUP_NUMBERS)


def _figures(summary: dict, numbers: tuple[str, ...]) -> SimpleNamespace:
    written = {key: number(summary[key]) for key in numbers}
    written.update((key, percent(summary[key])) for key in PERCENTS)
    return SimpleNamespace(**written)


def stability_words(stability: dict | None) -> str:
    """The engine's frozen stability measures in a sentence."""
    if not stability:
        return "not rated in the round before"
    if stability.get("comparison") == REWORDED:
        return f"{REWORDED}: stability compares an item only with the same wording"
    if not stability.get("n_paired"):
        return "no panellist rated it in both rounds"
    verdicts: dict[bool | None, str] = {True: "stable", False: "not stable"}
    verdict = verdicts.get(stability.get("stable"), "")
    if verdict and stability.get("measure") == "net_change":
        verdict += f" (net change {percent(stability.get('net_change'))})"
    parts = [
        f"{percent(stability.get('pct_changed'))} of {stability['n_paired']} "
        "panellists rating it in both rounds changed their rating",
        f"mean change {number(stability.get('mean_abs_change'))}",
        f"{percent(stability.get('pct_region_changed'))} moved region",
    ]
    if stability.get("net_change") is not None:
        parts.append(f"net change {percent(stability['net_change'])}")
    if stability.get("wilcoxon_p") is not None:
        parts.append(f"Wilcoxon p = {number(stability['wilcoxon_p'], 3)}")
    return f"{verdict}: " + "; ".join(parts) if verdict else "; ".join(parts)


def _chart_maker(report: StudyReport):
    points = report.study.scale_points
    # The scale's regions by round, as each round's settings resolved them.
    regions = {r.number: regions_of(r.settings or {}) or () for r in reversed(report.rounds)}
    unknown = regions_of({}) or ()  # a row of no reported round

    def chart(row: ItemRow) -> DistributionChart:
        """An item's ratings in its round, the scale's regions shaded and the median marked."""
        return distribution_chart(
            row.summary.get("counts") or {},
            points,
            REPORT,
            median=row.summary.get("median"),
            regions=regions.get(row.round, unknown),
            name=f"Ratings of item {row.code} in round {row.round}",
        )

    return chart


def _decision_text(report: StudyReport):
    final = final_of(report)

    def text(row: ItemRow) -> str:
        """The team's decision on the item after its round; for an item the study ended
        without settling, that it is unresolved rather than "carried forward"."""
        settled = final.get((row.round, row.code))
        if settled is not None and settled.status == "unresolved":
            return settled.words
        return DECISION_WORDS.get(row.decision or "", "not decided")

    return text


def render_html(report: StudyReport, *, stylesheet: str) -> str:
    """The report page. ``stylesheet`` is "link" in the console (the CSP forbids inline styles),
    "inline" for a saved file that needs nothing else, "none" for WeasyPrint (given it apart)."""
    flows = [
        r.flow for r in report.rounds if r.flow is not None and r.number in report.reported_rounds
    ]
    css = Markup(stylesheet_path().read_text(encoding="utf-8")) if stylesheet == "inline" else None
    return render_template(
        "reports/report.html",
        report=report,
        study=report.study,
        inline_css=css,
        link_css=stylesheet == "link",
        flow=flow_diagram(flows) if flows else None,
        chart=_chart_maker(report),
        figures=item_figures,
        group_figures=group_figures,
        reason_words=reason_words,
        stability_words=stability_words,
        decision_words=DECISION_WORDS,
        decisions=Decision,
        participant_diagram=participant_diagram(report.participant_flow, report.groups)
        if report.participant_flow
        else None,
        flow_stages=STAGES,
        flow_moves=MOVES,
        flow_title_lines=title_lines,
        decision_log=decision_log(report),
        decision_text=_decision_text(report),
    )


def export_html(report: StudyReport) -> bytes:
    return render_html(report, stylesheet="inline").encode("utf-8")


def export_pdf(report: StudyReport, page: str | None = None) -> bytes:
    """The same page printed by WeasyPrint; charts stay vector (SVG). ``page`` is the page
    already rendered with its stylesheet inline (``export_html``), when one build makes both."""
    from weasyprint import CSS, HTML

    base_url = str(stylesheet_path().parent)
    if page is not None:
        return HTML(string=page, base_url=base_url).write_pdf()
    page = render_html(report, stylesheet="none")
    return HTML(string=page, base_url=base_url).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet_path()))]
    )
