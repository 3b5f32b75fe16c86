"""How a rating distribution is drawn, wherever it is shown: the geometry, and its words.

The questionnaire's feedback, the console's dashboard and review, and the reports (HTML and PDF)
all place a distribution with ``distribution_chart`` and draw it with the one template
``templates/_distribution.html``. The numbers (counts, median, quartiles) come from the
consensus engine's summaries; this module only places them on the scale, so a bar, the median
line and the middle-half band always sit where the numbers say. No Flask and no database here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from delphi.consensus import ItemSummary
from delphi.formatting import number, percent

BAR_FRACTION = 0.7  # of a scale point's width
MIN_BAND = 4.0  # the middle half is drawn at least this wide, so Q1 = Q3 still shows
BAND_ABOVE = 8  # the middle half and the scale's regions reach this far above the bars
MEDIAN_ABOVE = 10  # the median line reaches this far above the bars


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
