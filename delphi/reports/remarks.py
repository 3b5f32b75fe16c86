"""What panellists wrote, as the research team reads it: comments on items and sections, the
reasons given for ratings outside the interquartile range, and suggestions with what became of
each.

Only submitted answers count. A remark carries its writer's stakeholder group, never a name or a
pseudonym; a group with fewer submitted responses in the round than the study's minimum group
size is not shown apart (design invariant 7, as the reports' group figures): its remarks say
"another group". Remarks are ordered by group, then text, so that their order says nothing about
who wrote them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload

from delphi.extensions import db
from delphi.models import (
    Item,
    ItemOrigin,
    Panellist,
    Rating,
    Response,
    ResponseStatus,
    Round,
    SectionComment,
    Study,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)

ANOTHER_GROUP = "another group"


@dataclass(frozen=True)
class Remark:
    """One comment (or reason) with its writer's group, or "another group"."""

    group: str
    text: str


@dataclass(frozen=True)
class SuggestionOutcome:
    """A panellist's suggestion and what the team did with it."""

    id: int  # the suggestion's
    round: int
    kind: str  # "new item" or "rewording"
    section_code: str | None
    item_code: str | None  # the item to reword
    group: str
    text: str
    outcome: str  # pending | new_item | new_wording | declined
    resulting_code: str | None  # the item made from it
    reason: str | None  # the reason stored with the outcome (a rewording's reason)

    @property
    def outcome_label(self) -> str:
        """What became of it, in words: "Accepted as new item S1.4"."""
        words = OUTCOME_WORDS[self.outcome]
        return f"{words} {self.resulting_code}" if self.resulting_code else words


OUTCOME_WORDS = {
    "pending": "Pending",
    "new_item": "Accepted as new item",
    "new_wording": "Used as the new wording",
    "declined": "Declined",
}


@dataclass
class RoundRemarks:
    """Everything panellists wrote in one round."""

    comments: dict[int, list[Remark]] = field(default_factory=dict)  # by round item id
    reasons: dict[int, list[Remark]] = field(default_factory=dict)  # by round item id
    sections: dict[int, list[Remark]] = field(default_factory=dict)  # by section id
    suggestions: list[SuggestionOutcome] = field(default_factory=list)


def by_group(remarks: list[Remark]) -> list[tuple[str, list[str]]]:
    """Remarks grouped under their group, groups in name order and "another group" last."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for remark in remarks:
        grouped[remark.group].append(remark.text)
    return sorted(grouped.items(), key=lambda pair: (pair[0] == ANOTHER_GROUP, pair[0].casefold()))


def _ordered(found: dict[int, list[Remark]]) -> dict[int, list[Remark]]:
    return {
        key: sorted(
            values, key=lambda r: (r.group == ANOTHER_GROUP, r.group.casefold(), r.text.casefold())
        )
        for key, values in found.items()
    }


def study_remarks(study: Study, rounds: Sequence[Round]) -> dict[int, RoundRemarks]:
    """What panellists wrote in each of ``rounds``, by round number; five statements whatever
    the study's size."""
    round_ids = {r.id: r.number for r in rounds}
    if not round_ids:
        return {}
    submitted = (
        db.select(Response.id, Response.round_id, Panellist.group)
        .join(Panellist, Response.panellist_id == Panellist.id)
        .where(Response.round_id.in_(round_ids), Response.status == ResponseStatus.SUBMITTED)
        .subquery()
    )
    sizes: Counter[tuple[int, str | None]] = Counter(
        (round_id, group) for _, round_id, group in db.session.execute(db.select(submitted))
    )
    # Each round's groups by the name their remarks are shown under, decided once per group; a
    # group without a submitted response in the round is under the minimum (at least 3).
    minimum = study.min_group_size
    shown_as = {
        key: key[1] if key[1] is not None and n >= minimum else ANOTHER_GROUP
        for key, n in sizes.items()
    }

    def shown(round_id: int, group: str | None) -> str:
        return shown_as.get((round_id, group), ANOTHER_GROUP)

    comments: dict[int, dict[int, list[Remark]]] = defaultdict(lambda: defaultdict(list))
    reasons: dict[int, dict[int, list[Remark]]] = defaultdict(lambda: defaultdict(list))
    for round_id, group, round_item_id, comment, reason in db.session.execute(
        db.select(
            submitted.c.round_id,
            submitted.c.group,
            Rating.round_item_id,
            Rating.comment,
            Rating.reason,
        )
        .join(submitted, Rating.response_id == submitted.c.id)
        .where((Rating.comment != "") | (Rating.reason != ""))
    ):
        label = shown(round_id, group)
        comment, reason = (comment or "").strip(), (reason or "").strip()
        if comment:
            comments[round_id][round_item_id].append(Remark(label, comment))
        if reason:
            reasons[round_id][round_item_id].append(Remark(label, reason))

    sections: dict[int, dict[int, list[Remark]]] = defaultdict(lambda: defaultdict(list))
    for round_id, group, section_id, comment in db.session.execute(
        db.select(
            submitted.c.round_id,
            submitted.c.group,
            SectionComment.section_id,
            SectionComment.comment,
        ).join(submitted, SectionComment.response_id == submitted.c.id)
    ):
        if comment and comment.strip():
            sections[round_id][section_id].append(Remark(shown(round_id, group), comment.strip()))

    result = {
        number: RoundRemarks(
            comments=_ordered(comments[round_id]),
            reasons=_ordered(reasons[round_id]),
            sections=_ordered(sections[round_id]),
        )
        for round_id, number in round_ids.items()
    }
    for suggestion, group in db.session.execute(
        db.select(Suggestion, Panellist.group)
        .join(Panellist, Panellist.id == Suggestion.panellist_id, isouter=True)
        .where(Suggestion.round_id.in_(round_ids))
        .options(
            joinedload(Suggestion.section),
            joinedload(Suggestion.item),
            joinedload(Suggestion.resulting_item),
        )
        .order_by(Suggestion.created_at, Suggestion.id)
    ):
        result[round_ids[suggestion.round_id]].suggestions.append(
            _outcome(suggestion, round_ids[suggestion.round_id], shown(suggestion.round_id, group))
        )
    return result


def _outcome(suggestion: Suggestion, number: int, group: str) -> SuggestionOutcome:
    made: Item | None = suggestion.resulting_item
    if suggestion.status is SuggestionStatus.DECLINED:
        outcome = "declined"
    elif suggestion.status is SuggestionStatus.ACCEPTED and made is not None:
        outcome = "new_wording" if made.origin is ItemOrigin.REWORDING else "new_item"
    else:
        outcome = "pending"
    return SuggestionOutcome(
        id=suggestion.id,
        round=number,
        kind="rewording" if suggestion.kind is SuggestionKind.REWORDING else "new item",
        section_code=suggestion.section.code if suggestion.section else None,
        item_code=suggestion.item.code if suggestion.item else None,
        group=group,
        text=suggestion.text,
        outcome=outcome,
        resulting_code=made.code if made is not None and outcome != "pending" else None,
        reason=made.rewording_reason if made is not None and outcome == "new_wording" else None,
    )


__all__ = [
    "ANOTHER_GROUP",
    "OUTCOME_WORDS",
    "Remark",
    "RoundRemarks",
    "SuggestionOutcome",
    "by_group",
    "study_remarks",
]
