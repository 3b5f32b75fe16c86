"""Writing messages to the outbox. Delivery is ``delphi.mail.sender``'s job."""

from __future__ import annotations

from datetime import datetime

from delphi.extensions import db
from delphi.formatting import local_time
from delphi.models import OutboxMessage, Panellist, Round, Study
from delphi.models.base import string_length
from delphi.validation import fit

SUBJECT_MAX_LENGTH = string_length(OutboxMessage.__table__.c.subject)
# Dedupe keys looked up per statement (SQLite allows a few thousand parameters at most).
_KEYS_PER_STATEMENT = 900

# The standard texts. Each paragraph is one line: the reader's mail program wraps it to the
# window, so no line breaks in mid-sentence on a phone or a wide screen.
DEFAULT_INVITATION_SUBJECT = "{study}: round {round} is open"
DEFAULT_INVITATION_BODY = (
    "Dear {name},\n\n"
    'Round {round} of the Delphi consultation "{study}" is now open. Please give your ratings '
    "by {deadline} using your personal link:\n\n"
    "{link}\n\n"
    "The link is personal to you: please do not share it. Your answers are kept anonymous in "
    "everything the research team reports.\n\n"
    "Thank you for taking part.\n"
    "{contact}\n"
)
DEFAULT_REMINDER_SUBJECT = "Reminder: {study}, round {round} closes {deadline}"
DEFAULT_REMINDER_BODY = (
    "Dear {name},\n\n"
    'This is a reminder that round {round} of the Delphi consultation "{study}" closes on '
    "{deadline}. Your answers so far are saved; you can continue with your personal link:\n\n"
    "{link}\n\n"
    "Thank you for taking part.\n"
    "{contact}\n"
)
DEFAULT_DEADLINE_SUBJECT = "{study}: round {round} now closes {deadline}"
DEFAULT_DEADLINE_BODY = (
    "Dear {name},\n\n"
    "The research team has changed the deadline of round {round} of the Delphi consultation "
    '"{study}": the round now closes on {deadline}. Your answers so far are saved; you can '
    "continue with your personal link:\n\n"
    "{link}\n\n"
    "Thank you for taking part.\n"
    "{contact}\n"
)
# The study's own texts (Study columns) and the standard text each starts from.
STANDARD_TEXTS = {
    "invitation_subject": DEFAULT_INVITATION_SUBJECT,
    "invitation_body": DEFAULT_INVITATION_BODY,
    "reminder_subject": DEFAULT_REMINDER_SUBJECT,
    "reminder_body": DEFAULT_REMINDER_BODY,
}


def format_deadline(closes_at: datetime | None, time_zone: str) -> str:
    """The deadline as the study's panellists read it: "15 December 2026, 23:59 GMT"."""
    return local_time(closes_at, time_zone) if closes_at else "the end of the round"


def render(template: str, *, study: Study, round_: Round, panellist: Panellist) -> str:
    """Fill a message text's placeholders, leaving ``{link}`` for the sender to fill in.

    Placeholders: {name}, {study}, {round}, {deadline}, {contact}, {link}.
    """
    return _render(template, study=study, round_=round_, name=panellist.name)


def _render(template: str, *, study: Study, round_: Round, name: str | None) -> str:
    values = {
        "name": name or "panellist",
        "study": study.title,
        "round": str(round_.number),
        "deadline": format_deadline(round_.closes_at, study.time_zone),
        "contact": study.contact,
        "link": "{link}",
    }
    return _substitute(template, values)


def _substitute(template: str, values: dict[str, str]) -> str:
    # Plain replacement, so a stray brace in a study's message text cannot break sending.
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def queue(
    *,
    study: Study,
    round_: Round,
    panellist: Panellist,
    kind: str,
    subject: str,
    body: str,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Add one message for a panellist to the outbox in the current transaction.

    With a ``dedupe_key`` already used, nothing is queued and None is returned.
    """
    if panellist.email is None:
        return None
    if dedupe_key is not None and db.session.scalar(
        db.select(OutboxMessage.id).filter_by(dedupe_key=dedupe_key)
    ):
        return None
    message = OutboxMessage(
        study_id=study.id,
        panellist_id=panellist.id,
        round_id=round_.id,
        kind=kind,
        dedupe_key=dedupe_key,
        to_address=panellist.email,
        # A long title in a subject template can make it longer than the column.
        subject=fit(
            render(subject, study=study, round_=round_, panellist=panellist), SUBJECT_MAX_LENGTH
        ),
        body=render(body, study=study, round_=round_, panellist=panellist),
    )
    db.session.add(message)
    return message


def queue_invitations(
    study: Study, round_: Round, panellists: list[tuple[int, str | None, str | None]]
) -> int:
    """Queue the round's invitation for each (id, name, e-mail) not yet invited, in bulk; how
    many were queued. A round opened for a panel of 20,000 writes them in a few statements;
    the dedupe key makes a second call for the same panellist queue nothing."""
    keys = {pid: f"invitation:{round_.id}:{pid}" for pid, _, email in panellists if email}
    queued: set[str | None] = set()
    for start in range(0, len(keys), _KEYS_PER_STATEMENT):
        chunk = list(keys.values())[start : start + _KEYS_PER_STATEMENT]
        queued.update(
            db.session.scalars(
                db.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
            )
        )
    subject = study.invitation_subject or DEFAULT_INVITATION_SUBJECT
    body = study.invitation_body or DEFAULT_INVITATION_BODY
    rows = [
        {
            "study_id": study.id,
            "panellist_id": pid,
            "round_id": round_.id,
            "kind": "invitation",
            "dedupe_key": keys[pid],
            "to_address": email,
            "subject": fit(
                _render(subject, study=study, round_=round_, name=name), SUBJECT_MAX_LENGTH
            ),
            "body": _render(body, study=study, round_=round_, name=name),
        }
        for pid, name, email in panellists
        if pid in keys and keys[pid] not in queued
    ]
    if rows:
        db.session.execute(db.insert(OutboxMessage), rows)
    return len(rows)
