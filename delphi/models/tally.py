"""The open round's answers counted so far: how many submitted responses gave each item each
answer, kept up to date by every change to the ratings so the dashboard reads a few thousand
rows instead of counting millions of ratings."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from delphi.models.base import Model, check, enum_column


class TallyKind(enum.Enum):
    """What a submitted response answered to one item."""

    POINT = "point"  # a point of the scale (the tally's ``point``)
    UNABLE = "unable"  # "unable to rate"
    MISSING = "missing"  # nothing: no rating, or one with neither a point nor "unable"


class RatingTally(Model):
    """How many of a round's submitted responses gave one item one answer."""

    __table_args__ = (check("kind = 'point' OR point = 0", "point_only_for_points"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    round_item_id: Mapped[int] = mapped_column(
        ForeignKey("round_item.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[TallyKind] = mapped_column(enum_column(TallyKind, "tally_kind"), primary_key=True)
    point: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 unless kind is point
    n: Mapped[int] = mapped_column(Integer)  # submitted responses (changed by +/- deltas)
