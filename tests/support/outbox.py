"""The mail outbox as the database holds it."""
from __future__ import annotations

from delphi.models import OutboxMessage


def outbox_messages(db) -> list[OutboxMessage]:
    """Every queued message, oldest first, read afresh from the database."""
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
