"""The audit trail: every staff action that changes a study."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.models.base import Model, UTCDateTime, utcnow
from delphi.models.staff import StaffUser
from delphi.models.study import Study


class AuditEvent(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("study.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(320))  # the staff e-mail, or "command line"
    action: Mapped[str] = mapped_column(String(80))  # e.g. "round.close"
    target: Mapped[str] = mapped_column(String(200), default="", server_default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    staff: Mapped[StaffUser | None] = relationship()
    study: Mapped[Study | None] = relationship()
