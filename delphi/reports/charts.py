"""The report's item flow across rounds, placed for ``templates/reports/_flow.html`` to draw.

One stacked bar per round (items by the team's decision), a legend of counts beside it, and an
arrow to the next round for the items rated again. The distribution of each item's ratings is
drawn like everywhere else (``delphi.charts``).
"""

from __future__ import annotations

from dataclasses import dataclass

from delphi.models import Decision
from delphi.reports.data import RoundFlow

COLOURS = {
    Decision.CONSENSUS_IN: "#1a7f37",
    Decision.CONSENSUS_OUT: "#6e7781",
    Decision.REWORDED: "#bc4c00",
    Decision.CARRY_FORWARD: "#0b5cad",
}
UNDECIDED = "#d0d7de"
COLUMN, BAR_WIDTH, TOP, USABLE = 250, 36, 40, 170  # a round's column, its bar, the bars' room
LINE = 16  # between two lines of a legend


@dataclass(frozen=True)
class Segment:
    """Items of one decision in a round's bar, and their line in its legend."""

    words: str  # "2 consensus in"
    colour: str
    y: float
    height: float
    key_y: float  # the legend line's text baseline


@dataclass(frozen=True)
class Arrow:
    """From a round's legend to the next round's bar: the items rated again."""

    start: float
    end: float
    y: float
    onward: int  # carried forward or reworded
    from_suggestions: int  # items the next round adds from panellists' suggestions

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class Column:
    x: float
    round: int
    rated: int
    segments: list[Segment]
    arrow: Arrow | None


@dataclass(frozen=True)
class FlowDiagram:
    width: float
    height: float
    bar_width: float
    columns: list[Column]


def flow_diagram(flows: list[RoundFlow]) -> FlowDiagram:
    """Place each round's decided items, consensus first, then those rated again."""
    scale = USABLE / max([f.rated for f in flows] + [1])
    columns = []
    for k, flow in enumerate(flows):
        x = 20 + k * COLUMN
        parts = [
            (f"{flow.decided.get(d.value, 0)} {d.tally}", flow.decided.get(d.value, 0), COLOURS[d])
            for d in COLOURS
        ]
        undecided = flow.rated - sum(n for _, n, _ in parts)
        if undecided > 0:
            parts.append((f"{undecided} not decided", undecided, UNDECIDED))
        segments: list[Segment] = []
        y: float = TOP
        key_y = TOP + 10
        for words, n, colour in parts:
            if n:
                segments.append(Segment(words, colour, y, n * scale, key_y))
                y, key_y = y + n * scale, key_y + LINE
        arrow = None
        if k + 1 < len(flows):
            onward = sum(
                flow.decided.get(d.value, 0) for d in (Decision.CARRY_FORWARD, Decision.REWORDED)
            )
            arrow = Arrow(
                start=x + BAR_WIDTH + 130,
                end=x + COLUMN - 8,
                y=TOP + USABLE / 2,
                onward=onward,
                from_suggestions=flows[k + 1].from_suggestions,
            )
        columns.append(
            Column(x=x, round=flow.round, rated=flow.rated, segments=segments, arrow=arrow)
        )
    return FlowDiagram(
        width=20 + COLUMN * (len(flows) - 1) + 190,
        height=TOP + USABLE + 20,
        bar_width=BAR_WIDTH,
        columns=columns,
    )
