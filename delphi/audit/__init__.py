"""The audit trail of staff actions: ``record`` adds an event to the current transaction; the
study's audit page is in ``views`` and its URL in ``blueprint``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from delphi.extensions import db
from delphi.models import AuditEvent
from delphi.models.base import string_length

if TYPE_CHECKING:
    from delphi.models import StaffUser, Study

COMMAND_LINE = "command line"


def record(
    action: str,
    *,
    study: Study | None = None,
    by: StaffUser | None = None,
    target: str = "",
    before: dict | None = None,
    after: dict | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction. ``by`` None means the command line, unless
    ``actor`` names who acted (a panellist through their link)."""
    event = AuditEvent(
        study=study,
        staff_id=by.id if by is not None else None,
        actor=by.email if by is not None else (actor or COMMAND_LINE),
        action=action,
        target=_fitted(target, string_length(AuditEvent.__table__.c.target)),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def _fitted(text: str, length: int) -> str:
    """``text`` cut to a column's length, the cut marked with an ellipsis: a long e-mail address
    or file path names the target well enough by its start."""
    return text if len(text) <= length else text[: length - 1] + "\u2026"
