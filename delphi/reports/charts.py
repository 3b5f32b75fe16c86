"""SVG charts for the report: a histogram of an item's ratings and the item flow across rounds.

Built as markup with every piece of text escaped, and drawn with SVG presentation attributes
only (the site's Content Security Policy forbids style attributes). WeasyPrint draws the same
SVG in the PDF.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from delphi.reports.data import RoundFlow

IN, OUT, CARRY, REWORD, NONE = "#1a7f37", "#6e7781", "#0b5cad", "#bc4c00", "#d0d7de"


def _text(x: float, y: float, words: object, *, anchor: str = "middle", size: int = 10,
          weight: str = "normal", fill: str = "#1b1b1b") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}" font-family="sans-serif">{escape(words)}</text>')


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
            f'height="{max(height, 0):.1f}" fill="{fill}"/>')


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="chart">'
        f'<title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def histogram(counts: dict, points: list[int], *, median: float | None = None,
              low: tuple[int, int] | None = None, high: tuple[int, int] | None = None,
              title: str = "Distribution of ratings", width: int = 280,
              height: int = 120) -> Markup:
    """Bars of the number of ratings at each scale point, regions shaded, median marked."""
    left, bottom, top = 8, 22, 26
    slot = (width - 2 * left) / len(points)
    tallest = max([int(counts.get(str(p), counts.get(p, 0))) for p in points] + [1])
    usable = height - bottom - top
    body: list[str] = []
    for region, shade in ((low, "#f3f4f6"), (high, "#e6f4ea")):
        if region is not None and region[0] in points and region[1] in points:
            x0 = left + points.index(region[0]) * slot
            x1 = left + (points.index(region[1]) + 1) * slot
            body.append(_rect(x0, top - 4, x1 - x0, usable + 4, shade))
    for i, point in enumerate(points):
        count = int(counts.get(str(point), counts.get(point, 0)))
        bar = usable * count / tallest
        x = left + i * slot
        body.append(_rect(x + slot * 0.15, top + usable - bar, slot * 0.7, bar, CARRY))
        body.append(_text(x + slot / 2, top + usable - bar - 3, count, size=9))
        body.append(_text(x + slot / 2, height - 8, point))
    body.append(f'<line x1="{left}" y1="{top + usable}" x2="{width - left}" y2="{top + usable}" '
                'stroke="#1b1b1b" stroke-width="1"/>')
    if median is not None and points:
        x = left + (median - points[0] + 0.5) * slot
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + usable}" '
                    f'stroke="{REWORD}" stroke-width="2" stroke-dasharray="4 2"/>')
        body.append(f'<line x1="{width - left - 74}" y1="7" x2="{width - left - 62}" y2="7" '
                    f'stroke="{REWORD}" stroke-width="2" stroke-dasharray="4 2"/>')
        body.append(_text(width - left, 10, f"median {median:g}", anchor="end", size=9,
                          fill=REWORD))
    return _svg(width, height, title, body)


def flow_diagram(flows: list[RoundFlow]) -> Markup:
    """One stacked bar per round (items by the team's decision), a legend of counts beside it,
    and an arrow to the next round for the items rated again."""
    column, bar_width, top, usable = 250, 36, 40, 170
    width = 20 + column * (len(flows) - 1) + 190
    height = top + usable + 20
    scale = usable / max([f.rated for f in flows] + [1])
    body: list[str] = []
    for k, flow in enumerate(flows):
        x = 20 + k * column
        body.append(_text(x, 14, f"Round {flow.round}", anchor="start", size=12, weight="bold"))
        body.append(_text(x, 29, f"{flow.rated} items rated", anchor="start"))
        segments = [
            ("consensus in", flow.decided.get("consensus_in", 0), IN),
            ("consensus out", flow.decided.get("consensus_out", 0), OUT),
            ("reworded", flow.decided.get("reworded", 0), REWORD),
            ("carried forward", flow.decided.get("carry_forward", 0), CARRY),
        ]
        undecided = flow.rated - sum(n for _, n, _ in segments)
        if undecided > 0:
            segments.append(("not decided", undecided, NONE))
        y, line = top, top + 10
        for label, n, colour in segments:
            if n == 0:
                continue
            body.append(_rect(x, y, bar_width, n * scale, colour))
            body.append(_rect(x + bar_width + 8, line - 8, 9, 9, colour))
            body.append(_text(x + bar_width + 22, line, f"{n} {label}", anchor="start"))
            y, line = y + n * scale, line + 16
        if k + 1 < len(flows):
            onward = flow.decided.get("carry_forward", 0) + flow.decided.get("reworded", 0)
            start, end, mid = x + bar_width + 130, x + column - 8, top + usable / 2
            body.append(f'<line x1="{start}" y1="{mid}" x2="{end - 8}" y2="{mid}" '
                        f'stroke="{CARRY}" stroke-width="3"/>')
            body.append(f'<polygon points="{end - 10},{mid - 6} {end},{mid} {end - 10},{mid + 6}" '
                        f'fill="{CARRY}"/>')
            body.append(_text((start + end) / 2, mid - 8, f"{onward} rated again", size=9))
            if flows[k + 1].from_suggestions:
                body.append(_text((start + end) / 2, mid + 18,
                                  f"+{flows[k + 1].from_suggestions} from suggestions", size=9))
    return _svg(width, height, "Item flow across rounds", body)
