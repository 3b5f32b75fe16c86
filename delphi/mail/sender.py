"""Delivering the outbox: each pending message is claimed, sent once, and its outcome recorded.

A message is claimed (PENDING to SENDING, committed) before it is sent, so two senders running
at once never send the same message. A message still SENDING an hour after it was claimed was
left by a sender that stopped mid-send (a crash, a killed process): it may or may not have been
delivered, so it is marked FAILED with that explanation rather than sent again on a guess; the
team can queue failed messages again (``retry_failed``) once they have checked. The personal
link is put into the body only here, at send time: the stored body holds ``{link}``, never the
token. A failed message is retried with exponential back-off and marked FAILED after
``MAX_ATTEMPTS``. A message that cannot be composed (a line break in its subject, say) is marked
FAILED with the reason, and the run goes on with the next one. Without ``MAIL_HOST`` messages are
written for development as owner-only ``.eml`` files under ``instance/mail/``, named by study and
message id; a study's files are found from its sent messages in the database, never by name.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import joinedload

from delphi import audit
from delphi.extensions import db
from delphi.instance import make_private_folder, write_private
from delphi.models import MessageStatus, OutboxMessage, Panellist, StaffUser, Study, utcnow
from delphi.models.base import rows_changed
from delphi.panel.tokens import link_for
from delphi.signup.messages import LINKLESS_KINDS, NOT_KEPT
from delphi.signup.tokens import confirmation_link

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(hours=1)  # far longer than sending one message can take
FIRST_RETRY = timedelta(minutes=5)  # then 10, 20, 40 minutes
SECURITY_MODES = ("none", "starttls", "tls")
FAILURES_SHOWN = 5  # in a run's report; every failed message keeps its own last error


class MailConfigError(RuntimeError):
    """The MAIL_* settings cannot be used; the message names the setting."""


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    stuck: int = 0  # left SENDING by a sender that stopped; marked failed
    # One line per message that failed for good in this run: which message, and why.
    failures: list[str] = field(default_factory=list)

    def describe(self) -> str:
        words = f"{self.sent} sent, {self.retrying} to be retried, {self.failed} failed for good."
        if self.stuck:
            words += (
                f" {self.stuck} left unfinished by a sender that stopped were marked "
                "failed: they may have been delivered; check before sending them again."
            )
        shown = self.failures[:FAILURES_SHOWN]
        words += "".join(f" {failure}" for failure in shown)
        if len(self.failures) > len(shown):
            words += (
                f" And {len(self.failures) - len(shown)} more: see the last error of "
                "each failed message on the study's Messages page."
            )
        return words


def mail_directory() -> Path:
    return Path(current_app.instance_path) / "mail"


def message_file(study_id: int, message_id: int) -> Path:
    """Where a message is written when no SMTP server is configured: named by ids alone, so a
    study's slug (or a change of it) has no part in which files are its own."""
    return mail_directory() / f"study-{study_id}-message-{message_id:06d}.eml"


def dev_files(study: Study) -> list[Path]:
    """The study's sent messages that were written to files (no SMTP server), newest first.

    Found from the study's messages in the database, never by matching file names. Only sent
    messages count: a file left behind by a message that no longer exists is never shown.
    """
    folder = mail_directory()
    if not folder.is_dir():
        return []
    written = set(os.listdir(folder))
    sent = db.session.scalars(
        db.select(OutboxMessage.id)
        .where(OutboxMessage.study_id == study.id, OutboxMessage.sent_at.is_not(None))
        .order_by(OutboxMessage.id.desc())
    )
    paths = (message_file(study.id, message_id) for message_id in sent)
    return [path for path in paths if path.name in written]


def _due_ids(now: datetime, study_id: int | None) -> list[int]:
    query = (
        db.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
    )
    if study_id is not None:
        query = query.where(OutboxMessage.study_id == study_id)
    return list(db.session.scalars(query))


def _claim(message_id: int) -> bool:
    """Move one message from PENDING to SENDING (the caller commits before sending it); False
    if another sender has it."""
    claimed = rows_changed(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.SENDING, claimed_at=utcnow())
    )
    return claimed == 1


def _give_up_stuck(now: datetime, study_id: int | None) -> int:
    """Mark FAILED the messages a stopped sender left SENDING; how many (committed)."""
    stuck = (OutboxMessage.status == MessageStatus.SENDING) & (
        OutboxMessage.claimed_at < now - STUCK_AFTER
    )
    if study_id is not None:
        stuck &= OutboxMessage.study_id == study_id
    count = rows_changed(
        db.update(OutboxMessage)
        .where(stuck)
        .values(
            status=MessageStatus.FAILED,
            last_error="The sender stopped while sending this message, so it may or may not "
            "have been delivered. Check the mail server's log before sending it "
            "again.",
        )
        .execution_options(synchronize_session=False)
    )
    _forget_unkept(
        (OutboxMessage.status == MessageStatus.FAILED) & (OutboxMessage.to_address != "")
    )
    db.session.commit()
    return count


def _forget_unkept(where) -> None:
    """Blank the address and body of the matching messages to addresses no longer kept (a
    declined sign-up's), as erasure does for a panellist's sent messages."""
    db.session.execute(
        db.update(OutboxMessage)
        .where(
            where,
            OutboxMessage.panellist_id.is_(None),
            OutboxMessage.signup_id.is_(None),
            OutboxMessage.kind.in_(LINKLESS_KINDS),
        )
        .values(to_address="", body=NOT_KEPT)
        .execution_options(synchronize_session=False)
    )


def retry_failed(study: Study, *, by: StaffUser | None = None) -> int:
    """Queue the study's failed messages again, as new (flushed, audited); how many."""
    count = rows_changed(
        db.update(OutboxMessage)
        .where(
            OutboxMessage.study_id == study.id,
            OutboxMessage.status == MessageStatus.FAILED,
            OutboxMessage.panellist_id.in_(  # not to panellists who withdrew or were erased
                db.select(Panellist.id).where(
                    Panellist.study_id == study.id,
                    Panellist.withdrawn_at.is_(None),
                    Panellist.erased_at.is_(None),
                )
            ),
        )
        .values(
            status=MessageStatus.PENDING,
            attempts=0,
            next_attempt_at=utcnow(),
            claimed_at=None,
            sent_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if count:
        audit.record(
            "mail.retry",
            study=study,
            by=by,
            target=f"{count} messages",
            after={"queued_again": count},
        )
    db.session.flush()
    return count


_UNSENDABLE = {
    False: "Not sent: the panellist was withdrawn or erased after it was queued.",
    True: "Not sent: the sign-up was confirmed or deleted after it was queued.",
}


def _link_of(message: OutboxMessage) -> str | None:
    """What ``{link}`` stands for in the message: a sign-up's confirmation link, a panellist's
    personal link, nothing for a sign-up notice that carries no link; None when the message
    should no longer go."""
    if message.signup_id is not None:
        return confirmation_link(message.signup) if message.signup else None
    if message.panellist_id is None and message.kind in LINKLESS_KINDS:
        return ""
    panellist = message.panellist
    if panellist is None or not panellist.active:
        return None
    return link_for(panellist)


def _compose(message: OutboxMessage, link: str) -> EmailMessage:
    """The e-mail for ``message``, with its link filled in. Raises ValueError (or another error
    of the ``email`` package) when a header cannot be written."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now().astimezone())
    email["Message-ID"] = make_msgid(
        domain=current_app.config["MAIL_SENDER"].rpartition("@")[2] or None
    )
    email.set_content(message.body.replace("{link}", link))
    bytes(email)  # a header that would not survive being written fails here, not mid-send
    return email


class _Connection:
    """One SMTP connection, opened when first needed and dropped after any error."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        if config["MAIL_SECURITY"] not in SECURITY_MODES:
            raise MailConfigError(
                f"MAIL_SECURITY is {config['MAIL_SECURITY']!r}; use one of "
                f"{', '.join(SECURITY_MODES)}."
            )
        ca_file = config.get("MAIL_CA_FILE")
        if ca_file and not Path(ca_file).is_file():
            raise MailConfigError(
                f"MAIL_CA_FILE is {ca_file!r}, which is not a file; name a PEM "
                "file of certificate authorities, or leave it empty to trust "
                "the system's."
            )

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        self.smtp.send_message(email)

    def _open(self) -> smtplib.SMTP:
        host, port = self.config["MAIL_HOST"], int(self.config["MAIL_PORT"])
        security = self.config["MAIL_SECURITY"]
        context = ssl.create_default_context(cafile=self.config.get("MAIL_CA_FILE") or None)
        smtp: smtplib.SMTP
        if security == "tls":
            smtp = smtplib.SMTP_SSL(host, port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=30)
        try:
            if security == "starttls":
                smtp.starttls(context=context)
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()  # a refused handshake or login must not leave the socket open
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _write_file(message: OutboxMessage, email: EmailMessage) -> None:
    make_private_folder(mail_directory())
    write_private(message_file(message.study_id, message.id), bytes(email))


def _give_up(message: OutboxMessage, reason: str, report: SendReport) -> None:
    """Mark the message FAILED for good with ``reason``, and name it in the run's report."""
    message.status = MessageStatus.FAILED
    message.last_error = reason[:2000]
    report.failed += 1
    report.failures.append(
        f"Message {message.id} to {message.to_address} failed: {message.last_error}"
    )
    _forget_once_gone(message)


def _forget_once_gone(message: OutboxMessage) -> None:
    """A message to an address no longer kept keeps neither address nor body once gone."""
    if message.panellist_id is None and message.kind in LINKLESS_KINDS:
        message.to_address = ""
        message.body = NOT_KEPT


def _failed(message: OutboxMessage, error: str, report: SendReport, now: datetime) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, error, report)
    else:
        message.last_error = error[:2000]
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now + FIRST_RETRY * 2 ** (message.attempts - 1)
        report.retrying += 1


def send_pending(*, study: Study | None = None, now: datetime | None = None) -> SendReport:
    """Send every due message (of one study, or all), over one connection.

    Each message is claimed (PENDING to SENDING) in a committed transaction before it is sent,
    so two senders never send it twice; the commit that claims a message also records what
    became of the one before, so a message costs one commit.
    """
    now = now or utcnow()
    config = current_app.config
    connection = _Connection(config) if config["MAIL_HOST"] else None
    report = SendReport(stuck=_give_up_stuck(now, study.id if study else None))
    try:
        for message_id in _due_ids(now, study.id if study else None):
            claimed = _claim(message_id)
            db.session.commit()
            if not claimed:
                continue
            message = db.session.scalars(
                db.select(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .options(joinedload(OutboxMessage.panellist))
            ).one()
            _deliver(message, connection, report, now)
            db.session.flush()
        db.session.commit()  # what became of the last message
    finally:
        if connection is not None:
            connection.close()
    return report


def _deliver(
    message: OutboxMessage, connection: _Connection | None, report: SendReport, now: datetime
) -> None:
    message.attempts += 1
    link = _link_of(message)
    if link is None:
        _give_up(message, _UNSENDABLE[message.signup_id is not None], report)
        return
    try:
        email = _compose(message, link)
    except Exception as error:  # whatever it is, composing again cannot help
        _give_up(
            message,
            f"Not sent: the message could not be composed "
            f"({type(error).__name__}: {error}). Queuing it again will fail the "
            "same way; check the study's message texts.",
            report,
        )
        return
    try:
        if connection is None:
            _write_file(message, email)
        else:
            connection.send(email)
    except (smtplib.SMTPException, OSError) as error:
        if connection is not None:
            connection.close()
        _failed(message, f"{type(error).__name__}: {error}", report, now)
        return
    message.status = MessageStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    report.sent += 1
    _forget_once_gone(message)
