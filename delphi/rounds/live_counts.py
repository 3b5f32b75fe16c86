"""The open round's ratings so far, as the dashboard shows them: each item's submitted ratings
counted per scale point where they are stored, then summarised by the consensus engine.

Counting runs in the database (one statement, a row per item and answer, never a row per
rating) and is remembered per app and round until a submitted response changes: a cheap
fingerprint of the round's submitted responses (how many, which, when last saved) is read on
every request, and the ratings are counted again only when it differs.
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from delphi.consensus import ItemSummary, summarise_counts
from delphi.extensions import db
from delphi.models import Rating, Response, ResponseStatus, Round
from delphi.rounds.kept import kept


def _submitted(round_: Round) -> sa.ColumnElement[bool]:
    return sa.and_(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)


def fingerprint(round_: Round) -> tuple:
    """What the ratings so far depend on: the submitted responses, how many, which, and when
    each was last saved (saving and submitting both set it, as does an import of answers)."""
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Response.id), 0),
            sa.func.max(Response.saved_at),
            sa.func.max(Response.submitted_at),
        ).where(_submitted(round_))
    ).one()
    return (round_.id, round_.opened_at, *row)


def count_ratings(
    round_: Round, round_item_ids: list[int], submitted: int
) -> dict[int, ItemSummary]:
    """Each item's summary from the ratings of the ``submitted`` responses, counted in one
    statement."""
    settings = round_.recorded_settings()
    points = settings.points
    column = {round_item_id: k for k, round_item_id in enumerate(round_item_ids)}
    counts = np.zeros((len(round_item_ids), len(points)), dtype=np.int64)
    unable = np.zeros(len(round_item_ids), dtype=np.int64)
    responses = sa.select(Response.id).where(_submitted(round_))
    rows = db.session.execute(
        sa.select(Rating.round_item_id, Rating.value, Rating.unable, sa.func.count())
        .where(Rating.response_id.in_(responses.scalar_subquery()))
        .group_by(Rating.round_item_id, Rating.value, Rating.unable)
    )
    for round_item_id, value, is_unable, n in rows:
        k = column.get(round_item_id)
        if k is None:
            continue
        if is_unable:
            unable[k] += n
        elif value is not None:
            counts[k, points.index(value)] += n
    # Missing: no rating row, or one with neither a value nor "unable to rate". A response
    # submitted between the two statements is counted again at the next request.
    missing = np.maximum(submitted - counts.sum(axis=1) - unable, 0)
    summary = summarise_counts(counts, unable, missing, settings)
    return dict(zip(round_item_ids, summary.items, strict=True))


def live_summary(round_: Round, round_item_ids: list[int]) -> dict[int, ItemSummary]:
    """The open round's summaries so far, by round item id; counted again only when a
    submitted response changed since this app last counted them."""
    now = (*fingerprint(round_), tuple(round_item_ids))
    return kept("live_counts").get(
        round_.id, now, lambda: count_ratings(round_, round_item_ids, submitted=now[2])
    )
