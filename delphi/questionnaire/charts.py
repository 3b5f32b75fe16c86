"""The feedback histogram: geometry for a small server-rendered SVG, and its text equivalent.

The numbers (counts, median, quartiles, percent high) come from a frozen ``ItemSummary``; this
module only places them. ``templates/questionnaire/_histogram.html`` draws the SVG.
"""
from __future__ import annotations

from dataclasses import dataclass

from delphi.consensus import ItemSummary

STEP = 36  # width of one scale point
LEFT = 8
TOP = 14  # room for the count above the tallest bar
BAR_AREA = 72  # height of the tallest bar
LABEL_ROOM = 20  # scale point numbers under the axis


@dataclass(frozen=True)
class Bar:
    point: int
    count: int
    x: float
    y: float
    width: float
    height: float
    centre: float
    own: bool  # the panellist's own previous rating


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    baseline: int
    top: int
    bars: list[Bar]
    median_x: float | None
    iqr_x: tuple[float, float] | None  # left and right edge of the interquartile band
    description: str  # the same information in words, for screen readers


def number(value: float | None) -> str:
    """A summary number as people write it: 7, 6.5, 6.25."""
    if value is None:
        return "none"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def histogram(summary: ItemSummary, scale_min: int, scale_max: int, *, own: int | None = None,
              high_region: tuple[int, int] | None = None, who: str = "panellists") -> Histogram:
    """Lay out the distribution of ``summary`` over the scale, median and IQR marked."""
    points = list(range(scale_min, scale_max + 1))
    counts = {int(point): int(count) for point, count in (summary.counts or {}).items()}
    tallest = max([counts.get(p, 0) for p in points] + [1])

    def x_of(value: float) -> float:
        return LEFT + (value - scale_min + 0.5) * STEP

    baseline = TOP + BAR_AREA
    bars = []
    for point in points:
        count = counts.get(point, 0)
        height = BAR_AREA * count / tallest
        bars.append(Bar(point=point, count=count, x=x_of(point) - STEP * 0.35,
                        y=baseline - height, width=STEP * 0.7, height=height,
                        centre=x_of(point), own=point == own))
    median_x = x_of(summary.median) if summary.median is not None else None
    iqr_x = None
    if summary.q1 is not None and summary.q3 is not None:
        iqr_x = (x_of(summary.q1) - STEP * 0.45, x_of(summary.q3) + STEP * 0.45)
    return Histogram(
        width=int(LEFT * 2 + STEP * len(points)), height=baseline + LABEL_ROOM,
        baseline=baseline, top=TOP, bars=bars, median_x=median_x, iqr_x=iqr_x,
        description=describe(summary, points, counts, high_region=high_region, who=who),
    )


def describe(summary: ItemSummary, points: list[int], counts: dict[int, int], *,
             high_region: tuple[int, int] | None, who: str) -> str:
    """The histogram in words: how many chose each point, then the median, IQR and percent high."""
    spread = ", ".join(f"{counts.get(p, 0)} rated {p}" for p in points)
    words = [f"{summary.n} {who} rated this item: {spread}."]
    if summary.n_unable:
        verb = "was" if summary.n_unable == 1 else "were"
        words.append(f"{summary.n_unable} {verb} unable to rate it.")
    if summary.median is not None:
        words.append(f"Median {number(summary.median)}.")
    if summary.q1 is not None and summary.q3 is not None:
        words.append(f"The middle half of ratings lies from {number(summary.q1)} "
                     f"to {number(summary.q3)}.")
    if high_region is not None and summary.pct_high is not None:
        words.append(f"{number(round(summary.pct_high))}% rated {high_region[0]} "
                     f"to {high_region[1]}.")
    return " ".join(words)
