"""Panellists: the experts, workers and service users who rate the items."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.models.base import Model, UTCDateTime, enum_column, utcnow
from delphi.models.signup import JoinedBy

if TYPE_CHECKING:
    from delphi.models.rounds import Response
    from delphi.models.study import Study


class Panellist(Model):
    __table_args__ = (
        UniqueConstraint("study_id", "email"),
        UniqueConstraint("study_id", "pseudonym"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    # Stable pseudonymous id used in exports and feedback ("P007"); never the name.
    pseudonym: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))  # None once erased on request
    email: Mapped[str | None] = mapped_column(String(320))  # None once erased on request
    group: Mapped[str] = mapped_column(String(100))  # stakeholder group
    # Random nonce (128 bits from secrets) from which the personal link is derived with the
    # app's secret; regenerating it invalidates the old link.
    token_nonce: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the personal link's token: how a link finds its panellist. The token itself is
    # never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How they joined: a panel file, the Panel page, or the public sign-up page.
    joined_by: Mapped[JoinedBy] = mapped_column(
        enum_column(JoinedBy, "joined_by"), server_default=JoinedBy.IMPORT.value
    )

    study: Mapped[Study] = relationship()
    responses: Mapped[list[Response]] = relationship(back_populates="panellist")

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None and self.erased_at is None

    def __repr__(self) -> str:
        return f"<Panellist {self.pseudonym}>"
