"""How a rating distribution is drawn, wherever it is shown: the geometry, and its words.

The questionnaire's feedback, the console's dashboard and review, and the reports (HTML and PDF)
all place a distribution with ``distribution_chart`` and draw it through the one template
``templates/_distribution.html``, whose macros print the SVG the chart writes here (``svg``):
a report draws hundreds of charts, each of a hundred numbers, and Python writes them as text
for a fraction of what a template expression per attribute costs. The numbers (counts, median,
quartiles) come from the consensus engine's summaries; this module only places them on the
scale, so a bar, the median line and the middle-half band always sit where the numbers say. No
Flask and no database here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from delphi.consensus import ItemSummary
from delphi.formatting import number, percent

BAR_FRACTION = 0.7  # of a scale point's width
MIN_BAND = 4.0  # the middle half is drawn at least this wide, so Q1 = Q3 still shows
BAND_ABOVE = 8  # the middle half and the scale's regions reach this far above the bars
MEDIAN_ABOVE = 10  # the median line reaches this far above the bars
BAND_FILLS = {"iqr": "#fde9b8", "low": "#f3f4f6", "high": "#e6f4ea"}


@dataclass(frozen=True)
class Layout:
    """The size of one kind of chart, in the SVG's units."""

    left: float  # margin before the first scale point and after the last
    top: float  # room above the tallest bar: its count, the legend
    bar_area: float  # height of the tallest bar
    label_room: float  # under the axis, for the scale points
    font_size: int
    step: float = 0  # width of one scale point
    width: float = 0  # or else the whole chart's width, shared by the scale points
    counts: bool = True  # each bar's count written above it
    legend: bool = False  # "median 7.5" written in the top corner


FEEDBACK = Layout(left=8, top=14, bar_area=72, label_room=20, font_size=12, step=36)
CONSOLE = Layout(left=0, top=0, bar_area=40, label_room=16, font_size=9, step=16, counts=False)
REPORT = Layout(left=8, top=26, bar_area=57, label_room=19, font_size=9, width=250, legend=True)


@dataclass(frozen=True)
class Bar:
    point: int
    count: int
    x: float
    y: float
    width: float
    height: float
    centre: float  # of the scale point, where its number is written

    def svg(self, own: bool = False) -> Markup:
        """The bar; ``own`` marks the viewer's own rating (drawn darker by the questionnaire)."""
        return Markup(
            f'<rect class="bar{" own" if own else ""}" x="{_at(self.x)}" y="{_at(self.y)}" '
            f'width="{_at(self.width)}" height="{_at(self.height)}" fill="#0b5cad"></rect>\n'
        )


@dataclass(frozen=True)
class Band:
    """A stretch of the scale drawn behind the bars, from ``x`` to ``x + width``."""

    kind: str  # "iqr" (the middle half of ratings), "low" or "high" (a region of the scale)
    x: float
    width: float


@dataclass(frozen=True)
class DistributionChart:
    width: float
    height: float
    baseline: float  # the axis; bars stand on it
    band_top: float  # where the shaded bands start
    median_top: float  # where the median line starts
    tick_y: float  # the scale points are written on this line
    legend_x: float  # the legend ends here
    font_size: int
    bars: list[Bar]
    counts: bool  # each bar's count written above it
    bands: list[Band]  # the scale's regions, then the middle half
    median_x: float | None
    legend: str | None  # "median 7.5", written in the top corner
    name: str | None  # the accessible name; None hides the chart from assistive technology,
    description: str | None  # which then reads this paragraph of words instead

    def svg(self, own: int | None = None) -> Markup:
        """The whole chart, the bar of scale point ``own`` (if any) marked as the viewer's."""
        bars = [bar.svg(bar.point == own) for bar in self.bars]
        return Markup("".join([self.svg_head(), *bars, self.svg_tail()]))

    def svg_head(self) -> Markup:
        """The opening of the SVG, its accessible name and the shaded bands: what lies behind
        the bars."""
        width, height = _at(self.width), _at(self.height)
        if self.name:
            name = escape(self.name)
            shown, title = f'role="img" aria-label="{name}"', f"<title>{name}</title>"
        else:
            shown, title = 'aria-hidden="true" focusable="false"', ""
        parts = [
            f'<svg class="histogram" {shown} xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">{title}'
        ]
        top, tall = _at(self.band_top), _at(self.baseline - self.band_top)
        for band in self.bands:
            parts.append(
                f'\n  <rect class="{escape(band.kind)}" x="{_at(band.x)}" y="{top}" '
                f'width="{_at(band.width)}" height="{tall}" fill="{BAND_FILLS[band.kind]}"></rect>'
            )
        parts.append("\n")
        return Markup("".join(parts))

    def svg_tail(self) -> Markup:
        """The axis, the median line, the legend, the counts and scale points, and the chart in
        words when it is hidden from screen readers: what lies in front of the bars."""
        baseline = _at(self.baseline)
        text = f'font-size="{self.font_size}" font-family="sans-serif"'
        parts = [
            f'<line class="axis" x1="0" x2="{_at(self.width)}" y1="{baseline}" y2="{baseline}" '
            'stroke="#1b1b1b" stroke-width="1"></line>'
        ]
        if self.median_x is not None:
            x = _at(self.median_x)
            parts.append(
                f'\n  <line class="median" x1="{x}" x2="{x}" y1="{_at(self.median_top)}" '
                f'y2="{baseline}" stroke="#bc4c00" stroke-width="2"></line>'
            )
        if self.legend:
            parts.append(
                f'\n  <line class="median" x1="{_at(self.legend_x - 74)}" '
                f'x2="{_at(self.legend_x - 62)}" y1="7" y2="7" stroke="#bc4c00" stroke-width="2">'
                f'</line>\n  <text class="legend" x="{_at(self.legend_x)}" y="10" '
                f'text-anchor="end" {text} fill="#bc4c00">{escape(self.legend)}</text>'
            )
        tick_y = _at(self.tick_y)
        for bar in self.bars:
            centre = _at(bar.centre)
            if self.counts and bar.count:
                parts.append(
                    f'\n  <text class="count" x="{centre}" y="{_at(bar.y - 3)}" '
                    f'text-anchor="middle" {text} fill="#1b1b1b">{bar.count}</text>'
                )
            parts.append(
                f'\n  <text class="tick" x="{centre}" y="{tick_y}" text-anchor="middle" {text} '
                f'fill="#1b1b1b">{bar.point}</text>'
            )
        parts.append("\n</svg>")
        if self.description:
            parts.append(f'\n<p class="visually-hidden">{escape(self.description)}</p>')
        parts.append("\n")
        return Markup("".join(parts))


def _at(value: float) -> str:
    """A position or length in the SVG's units, to one decimal: "12.0"."""
    return f"{value:.1f}"


def distribution_chart(
    counts: Mapping,
    points: Sequence[int],
    layout: Layout,
    *,
    median: float | None = None,
    q1: float | None = None,
    q3: float | None = None,
    regions: Sequence[tuple[int, int]] = (),
    name: str | None = None,
    description: str | None = None,
) -> DistributionChart:
    """Place the ratings ``counts`` (by scale point, as numbers or text) over ``points``: bars
    scaled to the tallest, the median line, the band from Q1 to Q3 and the shaded ``regions``
    (low, then high) when given."""
    points = list(points)
    by_point = {int(point): int(n) for point, n in counts.items()}
    step = layout.step or (layout.width - 2 * layout.left) / len(points)
    tallest = max([by_point.get(p, 0) for p in points] + [1])
    baseline = layout.top + layout.bar_area

    def x_of(value: float) -> float:
        """The centre of a scale point; between two points for a value such as 6.5."""
        return layout.left + (value - points[0] + 0.5) * step

    bars = []
    for point in points:
        count = by_point.get(point, 0)
        height = layout.bar_area * count / tallest
        bars.append(
            Bar(
                point=point,
                count=count,
                x=x_of(point) - step * BAR_FRACTION / 2,
                y=baseline - height,
                width=step * BAR_FRACTION,
                height=height,
                centre=x_of(point),
            )
        )
    bands = [
        Band(kind, x_of(low) - step / 2, (high - low + 1) * step)
        for kind, (low, high) in zip(("low", "high"), regions, strict=False)
        if low in points and high in points
    ]
    if q1 is not None and q3 is not None:
        spread = x_of(q3) - x_of(q1)
        widen = max(MIN_BAND - spread, 0) / 2  # on each side, only when Q3 - Q1 is tiny
        bands.append(Band("iqr", x_of(q1) - widen, spread + 2 * widen))
    width = 2 * layout.left + step * len(points)
    return DistributionChart(
        width=width,
        height=baseline + layout.label_room,
        baseline=baseline,
        band_top=max(layout.top - BAND_ABOVE, 0),
        median_top=max(layout.top - MEDIAN_ABOVE, 0),
        tick_y=baseline + layout.label_room - 5,
        legend_x=width - layout.left,
        font_size=layout.font_size,
        bars=bars,
        counts=layout.counts,
        bands=bands,
        median_x=x_of(median) if median is not None else None,
        legend=f"median {number(median)}" if layout.legend and median is not None else None,
        name=name,
        description=description,
    )


def counts_in_words(label: str, counts: Mapping, points: Sequence[int]) -> str:
    """A short accessible name: "Ratings of S1.1: 1: 0, 2: 3, ..." for every scale point."""
    by_point = {int(point): int(n) for point, n in counts.items()}
    return f"{label}: " + ", ".join(f"{point}: {by_point.get(point, 0)}" for point in points)


def describe(
    summary: ItemSummary,
    points: Sequence[int],
    *,
    high_region: tuple[int, int] | None,
    who: str = "panellists",
) -> str:
    """The chart in words, for screen readers: how many chose each point, then the median, the
    middle half and the percentage in the high region."""
    counts = {int(point): int(n) for point, n in (summary.counts or {}).items()}
    spread = ", ".join(f"{counts.get(p, 0)} rated {p}" for p in points)
    words = [f"{summary.n} {who} rated this item: {spread}."]
    if summary.n_unable:
        verb = "was" if summary.n_unable == 1 else "were"
        words.append(f"{summary.n_unable} {verb} unable to rate it.")
    if summary.median is not None:
        words.append(f"Median {number(summary.median)}.")
    if summary.q1 is not None and summary.q3 is not None:
        words.append(
            f"The middle half of ratings lies from {number(summary.q1)} to {number(summary.q3)}."
        )
    if high_region is not None and summary.pct_high is not None:
        words.append(f"{percent(summary.pct_high, 0)} rated {high_region[0]} to {high_region[1]}.")
    return " ".join(words)
