"""The e-mails of open sign-up, written to the outbox in the transaction that causes them.

``{link}`` in a body is filled in only when the message is sent: the confirmation link for a
confirmation (from the sign-up's nonce), the personal link for a panellist. The confirmation
greets nobody by name, since anyone may type any name beside someone else's address.
"""

from __future__ import annotations

from delphi.extensions import db
from delphi.mail.outbox import SUBJECT_MAX_LENGTH
from delphi.models import OutboxMessage, Panellist, Signup, Study
from delphi.validation import fit

CONFIRMATION_HOURS = 48  # an unconfirmed sign-up is deleted this long after it was made

CONFIRM_SUBJECT = "{study}: please confirm your sign-up"
CONFIRM_BODY = (
    "Hello,\n\n"
    'Thank you for signing up to take part in the Delphi consultation "{study}". To confirm '
    f"your e-mail address, open this link within {CONFIRMATION_HOURS} hours:\n\n"
    "{link}\n\n"
    "If you did not sign up, ignore this message: nothing more will be sent, and the details "
    "given are deleted when the link expires.\n\n"
    "{contact}\n"
)
ALREADY_SUBJECT = "{study}: you are already on the panel"
ALREADY_BODY = (
    "Dear {name},\n\n"
    'Someone, perhaps you, asked to sign up to the Delphi consultation "{study}" with this '
    "e-mail address, which is already on the panel. You do not need to sign up again. Your "
    "personal link is:\n\n"
    "{link}\n\n"
    "The link is personal to you: please do not share it.\n\n"
    "{contact}\n"
)
WELCOME_SUBJECT = "{study}: welcome to the panel"
WELCOME_BODY = (
    "Dear {name},\n\n"
    'Thank you: you are now on the panel of the Delphi consultation "{study}". When a round '
    "opens we will e-mail you; you can always take part with your personal link:\n\n"
    "{link}\n\n"
    "The link is personal to you: please do not share it.\n\n"
    "{contact}\n"
)
DECLINED_SUBJECT = "{study}: your sign-up"
DECLINED_BODY = (
    "Dear {name},\n\n"
    'Thank you for offering to take part in the Delphi consultation "{study}". The research '
    "team is not able to include you on the panel this time. The details you gave have been "
    "deleted.\n\n"
    "{contact}\n"
)


def _fill(text: str, study: Study, name: str | None) -> str:
    return (
        text.replace("{study}", study.title)
        .replace("{contact}", study.contact)
        .replace("{name}", name or "panellist")
    )


def _queue(
    study: Study,
    kind: str,
    to: str,
    subject: str,
    body: str,
    *,
    name: str | None = None,
    panellist: Panellist | None = None,
    signup: Signup | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        study_id=study.id,
        panellist_id=panellist.id if panellist else None,
        signup_id=signup.id if signup else None,
        kind=kind,
        to_address=to,
        subject=fit(_fill(subject, study, name), SUBJECT_MAX_LENGTH),
        body=_fill(body, study, name),
    )
    db.session.add(message)
    return message


def queue_confirmation(study: Study, signup: Signup) -> OutboxMessage:
    return _queue(
        study, "signup_confirm", signup.email, CONFIRM_SUBJECT, CONFIRM_BODY, signup=signup
    )


def queue_already_on_panel(study: Study, panellist: Panellist) -> OutboxMessage | None:
    """Tell a panellist who signed up again that they are on the panel, with their own link."""
    if panellist.email is None:
        return None
    return _queue(
        study,
        "signup_already",
        panellist.email,
        ALREADY_SUBJECT,
        ALREADY_BODY,
        name=panellist.name,
        panellist=panellist,
    )


def queue_welcome(study: Study, panellist: Panellist) -> OutboxMessage:
    assert panellist.email is not None
    return _queue(
        study,
        "signup_welcome",
        panellist.email,
        WELCOME_SUBJECT,
        WELCOME_BODY,
        name=panellist.name,
        panellist=panellist,
    )


def queue_declined(study: Study, signup: Signup) -> OutboxMessage:
    """The one sign-up message with no link: it goes to an address no longer kept."""
    return _queue(
        study, "signup_declined", signup.email, DECLINED_SUBJECT, DECLINED_BODY, name=signup.name
    )


LINKLESS_KINDS = frozenset({"signup_declined"})  # sent as written, to no panellist
# What such a message keeps once it has gone or been given up: its address and body (the
# person's name) would outlive the sign-up, whose details were deleted when it was declined.
NOT_KEPT = "(not kept: deleted once the message was sent or given up)"
