"""The participant flow of each round, by stakeholder group, and its diagram's layout.

Counts of people, not statistics of ratings, read in one statement: who was invited, who opened
the link, who saved a draft but did not submit, who submitted online, whose answers the team
imported from paper, who withdrew, who was lost since the round before and who joined.
``templates/reports/_participant_flow.html`` draws the diagram (an SVG drawn on the server,
with a title, a description and a text label in every box) and its table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from delphi.extensions import db
from delphi.models import Panellist, Response, ResponseStatus, Round, Study

# The stages in the diagram's order: (key, words in a box and a table's header).
STAGES = (
    ("invited", "Invited"),
    ("opened", "Opened the questionnaire online"),
    ("draft_only", "Saved a draft but did not submit"),
    ("submitted_online", "Submitted online"),
    ("paper", "Paper or e-mail responses imported by the team"),
    ("submitted", "Responses analysed"),
)
# Who came and went between rounds.
MOVES = (
    ("joined", "Joined (not invited to the round before)"),
    ("lost", "Lost (submitted the round before, not this one)"),
    ("withdrawn", "Withdrew consent during or after the round (of those invited)"),
)


@dataclass
class RoundFlowCounts:
    """One round's participant flow: each stage's count overall and per stakeholder group."""

    round: int
    counts: dict[str, Counter] = field(default_factory=dict)  # stage -> group -> number
    drafts_left_out: int | None = None  # recorded when the round closed
    close_reason: str | None = None

    def total(self, stage: str) -> int:
        return sum(self.counts.get(stage, Counter()).values())

    def of(self, stage: str, group: str) -> int:
        return self.counts.get(stage, Counter()).get(group, 0)


def participant_flows(study: Study, rounds: Sequence[Round]) -> list[RoundFlowCounts]:
    """The flow of every round of ``study``, in order."""
    rows = db.session.execute(
        db.select(
            Response.round_id,
            Response.panellist_id,
            Response.status,
            Response.opened_at,
            Response.imported,
            Panellist.group,
            Panellist.withdrawn_at,
        )
        .join(Panellist, Response.panellist_id == Panellist.id)
        .join(Round, Response.round_id == Round.id)
        .where(Round.study_id == study.id)
    ).all()
    by_round: dict[int, list] = {r.id: [] for r in rounds}
    for row in rows:
        by_round[row.round_id].append(row)

    groups_of = {row.panellist_id: row.group for row in rows}
    flows = []
    invited_before: set[int] | None = None
    submitted_before: set[int] | None = None
    for round_ in rounds:
        counts: dict[str, Counter] = {key: Counter() for key, _ in STAGES + MOVES}
        invited, submitted = set(), set()
        for row in by_round[round_.id]:
            group, status = row.group, row.status
            invited.add(row.panellist_id)
            counts["invited"][group] += 1
            online = not row.imported
            if online and (row.opened_at is not None or status is not ResponseStatus.INVITED):
                counts["opened"][group] += 1
            if status is ResponseStatus.DRAFT:
                counts["draft_only"][group] += 1
            if status is ResponseStatus.SUBMITTED:
                submitted.add(row.panellist_id)
                counts["submitted"][group] += 1
                counts["submitted_online" if online else "paper"][group] += 1
            if row.withdrawn_at is not None:
                counts["withdrawn"][group] += 1
            if invited_before is not None and row.panellist_id not in invited_before:
                counts["joined"][group] += 1
        if submitted_before is not None:
            for pid in submitted_before - submitted:
                counts["lost"][groups_of[pid]] += 1
        flows.append(
            RoundFlowCounts(
                round=round_.number,
                counts=counts,
                drafts_left_out=round_.drafts_left_out,
                close_reason=round_.close_reason,
            )
        )
        invited_before, submitted_before = invited, submitted
    return flows


# The diagram: per round a row of boxes joined by arrows, each box a stage with its total and
# one line per stakeholder group.
BOX_WIDTH, GAP, LINE, PAD, PER_ROW = 250, 22, 14, 8, 3


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    height: float
    title: str
    lines: list[str]  # "Total 5", then "Social workers 3", ...
    side: bool = False  # a move between rounds, drawn apart without an arrow


@dataclass(frozen=True)
class FlowRow:
    round: int
    y: float
    boxes: list[Box]


@dataclass(frozen=True)
class ParticipantDiagram:
    width: float
    height: float
    rows: list[FlowRow]
    description: str  # every number in words, for the SVG's <desc>
    box_width: float = BOX_WIDTH


def _wrap(words: str, width: int = 40) -> list[str]:
    lines: list[str] = []
    for word in words.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def participant_diagram(flows: list[RoundFlowCounts], groups: list[str]) -> ParticipantDiagram:
    """Place every round's boxes: the stages in a row, then the moves between rounds."""
    title_lines = max(len(_wrap(words)) for _, words in STAGES + MOVES)
    height = PAD + (title_lines + 1 + len(groups)) * LINE + PAD
    rows, y = [], 10.0
    sentences = []
    for flow in flows:
        y += 22  # the round's heading
        boxes = []
        stages = list(STAGES) + [m for m in MOVES if flow.round > 1 or m[0] == "withdrawn"]
        for k, (key, words) in enumerate(stages):
            lines = [f"Total {flow.total(key)}"] + [f"{g} {flow.of(key, g)}" for g in groups]
            boxes.append(
                Box(
                    x=10 + (k % PER_ROW) * (BOX_WIDTH + GAP),
                    y=y + (k // PER_ROW) * (height + GAP),
                    height=height,
                    title=words,
                    lines=lines,
                    side=key in dict(MOVES),
                )
            )
        rows.append(FlowRow(round=flow.round, y=y, boxes=boxes))
        y += ((len(stages) - 1) // PER_ROW) * (height + GAP)
        sentences.append(
            f"Round {flow.round}: "
            + "; ".join(
                f"{words.lower()} {flow.total(key)}"
                + (
                    " (" + ", ".join(f"{g} {flow.of(key, g)}" for g in groups) + ")"
                    if groups
                    else ""
                )
                for key, words in stages
            )
            + "."
        )
        y += height + 18
    return ParticipantDiagram(
        width=10 + PER_ROW * (BOX_WIDTH + GAP),
        height=y,
        rows=rows,
        description=" ".join(sentences),
    )


def title_lines(box: Box) -> list[str]:
    return _wrap(box.title)


__all__ = [
    "MOVES",
    "STAGES",
    "ParticipantDiagram",
    "RoundFlowCounts",
    "participant_diagram",
    "participant_flows",
    "title_lines",
]
