"""Non-response: whether a round reached the study's minimum response, and what closing it now
needs a reason for (the minimum not reached, the deadline still ahead).

Counts of responses, not statistics of ratings. ``close_round`` refuses without a reason while
``closing_concerns`` lists anything; the close page and ``delphi round close`` show the list.
"""

from __future__ import annotations

from collections import Counter

from delphi.extensions import db
from delphi.models import Panellist, Response, ResponseStatus, ResponseUnit, Round, Study, utcnow


def reaches(minimum: int | None, unit: ResponseUnit, submitted: int, invited: int) -> bool:
    """Whether ``submitted`` of ``invited`` meets the minimum; percentages compared in integers
    (100·k >= p·n), like the consensus thresholds."""
    if minimum is None or invited == 0:
        return True
    if unit is ResponseUnit.PERCENT:
        return 100 * submitted >= minimum * invited
    return submitted >= minimum


def minimum_words(study: Study, minimum: int) -> str:
    """ "60%" or "12 panellists": a minimum in the study's unit."""
    if study.min_response_unit is ResponseUnit.PERCENT:
        return f"{minimum}%"
    return f"{minimum} panellist{'s' if minimum != 1 else ''}"


def response_counts(round_: Round) -> tuple[Counter, Counter]:
    """(invited, submitted) per stakeholder group of the round, counted by the database in one
    statement (a row per group and status, not per panellist)."""
    invited: Counter = Counter()
    submitted: Counter = Counter()
    for group, status, count in db.session.execute(
        db.select(Panellist.group, Response.status, db.func.count())
        .join(Panellist, Response.panellist_id == Panellist.id)
        .where(Response.round_id == round_.id)
        .group_by(Panellist.group, Response.status)
    ):
        invited[group] += count
        if status is ResponseStatus.SUBMITTED:
            submitted[group] += count
    return invited, submitted


def shortfall(round_: Round) -> list[str]:
    """Where the round is below the study's minimum response, one sentence each."""
    study = round_.study
    invited, submitted = response_counts(round_)
    problems = []
    n, k = sum(invited.values()), sum(submitted.values())
    if not reaches(study.min_response, study.min_response_unit, k, n):
        assert study.min_response is not None
        problems.append(
            f"{k} of {n} invited panellists submitted; the study's minimum response is "
            f"{minimum_words(study, study.min_response)}."
        )
    for group in sorted(invited):
        if not reaches(
            study.min_group_response, study.min_response_unit, submitted[group], invited[group]
        ):
            assert study.min_group_response is not None
            problems.append(
                f"In the group {group}, {submitted[group]} of {invited[group]} submitted; the "
                f"minimum in each group is {minimum_words(study, study.min_group_response)}."
            )
    return problems


def closing_concerns(round_: Round, *, early: bool = True) -> list[str]:
    """Everything that makes closing ``round_`` now need a reason, one sentence each: the
    minimum response not reached and (``early``) the deadline still ahead."""
    concerns = shortfall(round_)
    if early and round_.closes_at is not None and round_.closes_at > utcnow():
        concerns.append(
            f"The deadline, {round_.closes_at:%Y-%m-%d %H:%M} UTC, has not passed: closing now "
            "ends the round early."
        )
    return concerns


def drafts_outstanding(round_: Round) -> int:
    """Responses saved as drafts and not submitted: left out if the round closes now."""
    return int(
        db.session.scalar(
            db.select(db.func.count(Response.id)).where(
                Response.round_id == round_.id, Response.status == ResponseStatus.DRAFT
            )
        )
        or 0
    )
