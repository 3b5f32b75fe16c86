"""Building a round's ratings matrix and the study's consensus settings for the engine."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from delphi.consensus import MISSING, UNABLE, ConsensusSettings
from delphi.extensions import db
from delphi.models import (Panellist, Rating, Response, ResponseStatus, Round, RoundItem,
                           Study)


def consensus_settings(study: Study) -> ConsensusSettings:
    """The study's consensus definition as the engine takes it (raises ConsensusError)."""
    return ConsensusSettings(
        scale_min=study.scale_min,
        scale_max=study.scale_max,
        rule=study.consensus_rule.value,
        quantiles=study.quantile_method.value,
        low_to=study.low_to,
        high_from=study.high_from,
        agreement=study.agreement_pct,
        opposite_max=study.opposite_max_pct,
        opposite_inclusive=study.opposite_inclusive,
        percent=study.percent_threshold,
        iqr_max=study.iqr_max,
        min_ratings=study.min_ratings,
        per_group=study.per_group_consensus,
        stability_max=study.stability_max_pct,
    )


@dataclass
class RatingsMatrix:
    """Submitted ratings of a round: one row per panellist, one column per round item."""

    ratings: np.ndarray  # int16; a scale point, MISSING or UNABLE
    panellist_ids: list[int]
    groups: list[str]
    round_item_ids: list[int]
    item_ids: list[int]

    @property
    def row_of(self) -> dict[int, int]:
        return {pid: i for i, pid in enumerate(self.panellist_ids)}


def ratings_matrix(round_: Round) -> RatingsMatrix:
    """Read the round's submitted ratings in one statement (plus one for its items)."""
    items = db.session.execute(
        db.select(RoundItem.id, RoundItem.item_id)
        .where(RoundItem.round_id == round_.id)
        .order_by(RoundItem.position, RoundItem.id)
    ).all()
    panellists = db.session.execute(
        db.select(Panellist.id, Panellist.group)
        .join(Response, Response.panellist_id == Panellist.id)
        .where(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
        .order_by(Panellist.id)
    ).all()
    rows = db.session.execute(
        db.select(Response.panellist_id, Rating.round_item_id, Rating.value, Rating.unable)
        .join(Rating, Rating.response_id == Response.id)
        .where(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED)
    ).all()

    column_of = {rid: j for j, (rid, _) in enumerate(items)}
    row_of = {pid: i for i, (pid, _) in enumerate(panellists)}
    matrix = np.full((len(panellists), len(items)), MISSING, dtype=np.int16)
    if rows:
        r = np.fromiter((row_of[p] for p, _, _, _ in rows), dtype=np.int64, count=len(rows))
        c = np.fromiter((column_of[i] for _, i, _, _ in rows), dtype=np.int64, count=len(rows))
        v = np.fromiter(
            (UNABLE if unable else (MISSING if value is None else value) for _, _, value, unable in rows),
            dtype=np.int16,
            count=len(rows),
        )
        matrix[r, c] = v
    return RatingsMatrix(
        ratings=matrix,
        panellist_ids=[p for p, _ in panellists],
        groups=[g for _, g in panellists],
        round_item_ids=[rid for rid, _ in items],
        item_ids=[iid for _, iid in items],
    )
