"""The e-mail outbox: messages are written in the transaction that causes them, sent later."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.models.base import Model, UTCDateTime, enum_column, utcnow
from delphi.models.panel import Panellist
from delphi.models.signup import Signup


class MessageStatus(enum.Enum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender; never picked up twice
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class OutboxMessage(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    panellist_id: Mapped[int | None] = mapped_column(
        ForeignKey("panellist.id", ondelete="SET NULL")
    )
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"))
    # A sign-up's confirmation: "{link}" is its confirmation link; deleted with the sign-up.
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signup.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # invitation | reminder | ...
    # Makes queuing idempotent: the same reminder is queued once (e.g. the 7-day reminder of
    # round 12's deadline to panellist 345, "reminder:12:20250314T2359:7:345").
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    # The body; "{link}" stands for the panellist's personal link, filled in only when sent.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when last made SENDING
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    panellist: Mapped[Panellist | None] = relationship()
    signup: Mapped[Signup | None] = relationship()
