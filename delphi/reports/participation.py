"""Participation per round: invited, responded and response rate, overall and per group.

These are counts of responses, not statistics of ratings, so they are computed here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from delphi.extensions import db
from delphi.models import Panellist, Response, ResponseStatus, Round, Study


@dataclass
class Participation:
    round: int
    invited: int
    responded: int
    invited_by_group: dict[str, int] = field(default_factory=dict)
    responded_by_group: dict[str, int] = field(default_factory=dict)
    responded_previous: int | None = None  # panellists who responded in the round before
    retained: int | None = None  # ... and responded in this round too
    responder_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def rate(self) -> float | None:
        """Response rate in percent; None when nobody was invited."""
        return 100 * self.responded / self.invited if self.invited else None

    def group_rate(self, group: str) -> float | None:
        invited = self.invited_by_group.get(group, 0)
        return 100 * self.responded_by_group.get(group, 0) / invited if invited else None

    @property
    def lost(self) -> int | None:
        """Attrition: responded in the previous round but not in this one."""
        if self.responded_previous is None or self.retained is None:
            return None
        return self.responded_previous - self.retained

    def shown_groups(self, min_group_size: int) -> set[str]:
        """Groups with enough responses in this round to be reported apart (invariant 7)."""
        return {g for g, n in self.responded_by_group.items() if n >= min_group_size}


def participation_by_round(study: Study, rounds: Sequence[Round]) -> dict[int, Participation]:
    """Participation of every round, read in one statement."""
    rows = db.session.execute(
        db.select(Response.round_id, Response.panellist_id, Response.status, Panellist.group)
        .join(Panellist, Response.panellist_id == Panellist.id)
        .join(Round, Response.round_id == Round.id)
        .where(Round.study_id == study.id)
    ).all()
    invited: dict[int, Counter] = {r.id: Counter() for r in rounds}
    responded: dict[int, Counter] = {r.id: Counter() for r in rounds}
    responders: dict[int, set[int]] = {r.id: set() for r in rounds}
    for round_id, panellist_id, status, group in rows:
        invited[round_id][group] += 1
        if status is ResponseStatus.SUBMITTED:
            responded[round_id][group] += 1
            responders[round_id].add(panellist_id)

    result: dict[int, Participation] = {}
    before: set[int] | None = None
    for round_ in rounds:
        now = responders[round_.id]
        result[round_.number] = Participation(
            round=round_.number,
            invited=sum(invited[round_.id].values()),
            responded=len(now),
            invited_by_group=dict(sorted(invited[round_.id].items())),
            responded_by_group=dict(sorted(responded[round_.id].items())),
            responded_previous=len(before) if before is not None else None,
            retained=len(before & now) if before is not None else None,
            responder_ids=now,
        )
        before = now
    return result
