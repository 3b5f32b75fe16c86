"""Deleting a study that never opened a round: a test study, or one created by mistake.

A study whose round 1 has opened keeps its record (panellists were invited, the consensus
definition was stated); it is completed, never deleted. The deletion removes the study's
sections, items, panel (and with it every personal link), messages, staff assignments and its
own audit trail; the deletion itself is recorded in the audit trail without a study, so it
outlives what it removed. Message files written without an SMTP server are named by the
study's and the message's ids: they are found from the messages in the database and removed
once the deletion is committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from delphi import audit
from delphi.extensions import db
from delphi.mail.sender import message_file
from delphi.models import (
    AuditEvent,
    Item,
    OutboxMessage,
    Panellist,
    Round,
    Section,
    StaffUser,
    Study,
)
from delphi.rounds.errors import RoundError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StudyContents:
    """What deleting a study removes, counted for the confirmation page and the audit trail."""

    sections: int
    items: int
    panellists: int
    messages: int

    def as_dict(self) -> dict[str, int]:
        return {
            "sections": self.sections,
            "items": self.items,
            "panellists": self.panellists,
            "messages": self.messages,
        }


def _count(model, study: Study) -> int:
    return (
        db.session.scalar(db.select(db.func.count(model.id)).where(model.study_id == study.id)) or 0
    )


def study_contents(study: Study) -> StudyContents:
    return StudyContents(
        sections=_count(Section, study),
        items=_count(Item, study),
        panellists=_count(Panellist, study),
        messages=_count(OutboxMessage, study),
    )


def require_deletable(study: Study) -> None:
    """Refuse once a round has opened: the study then has a record to keep."""
    opened = db.session.scalar(
        db.select(Round)
        .where(Round.study_id == study.id, Round.opened_at.is_not(None))
        .order_by(Round.number)
        .limit(1)
    )
    if opened is not None:
        raise RoundError(
            f"Study {study.slug} cannot be deleted: round {opened.number} opened on "
            f"{opened.opened_at:%d %B %Y}, so its panel was invited and its record is kept. "
            "Mark it complete instead."
        )


def delete_study(study: Study, *, confirm: str, by: StaffUser | None = None) -> list[Path]:
    """Delete a study that never opened a round; ``confirm`` must be its slug, typed again.

    Only an administrator may (``by`` None is the command line). Returns the message files to
    remove with ``remove_files`` after the commit, so a failed commit leaves them in place.
    """
    if by is not None and not by.is_admin:
        raise RoundError("Only an administrator can delete a study.")
    require_deletable(study)
    if (confirm or "").strip() != study.slug:
        raise RoundError(f"Type the study's slug, {study.slug}, to confirm the deletion.")
    slug, contents = study.slug, study_contents(study)
    files = [
        message_file(study.id, message_id)
        for message_id in db.session.scalars(
            db.select(OutboxMessage.id).where(OutboxMessage.study_id == study.id)
        )
    ]
    for model in (OutboxMessage, AuditEvent, Panellist):
        db.session.execute(db.delete(model).where(model.study_id == study.id))
    db.session.delete(study)  # its sections, items, rounds and staff assignments with it
    audit.record(
        "study.delete", by=by, target=slug, before={"title": study.title, **contents.as_dict()}
    )
    db.session.flush()
    logger.info("Study %s deleted by %s.", slug, by.email if by else audit.COMMAND_LINE)
    return files


def remove_files(files: list[Path]) -> int:
    """Remove a deleted study's message files; how many there were."""
    removed = 0
    for path in files:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed
