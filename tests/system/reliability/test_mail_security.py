"""Sending through a mail server that wants encryption and a login: STARTTLS, implicit TLS and
SMTP AUTH against a real SMTP server (aiosmtpd) with a certificate made for the test."""
from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from delphi.mail.sender import MailConfigError, send_pending
from delphi.models import MessageStatus, OutboxMessage
from tests.support.mail import Inbox, free_port

USER, PASSWORD = "delphi-relay", "relay password 7"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key; the certificate is its own CA."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class Logins:
    """Checks SMTP AUTH credentials and remembers who logged in."""

    def __init__(self):
        self.accepted: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        if ok:
            self.accepted.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # the server answers 535 when refused


@pytest.fixture
def smtp_server(certificate):
    """Start a server: ``start("starttls" | "tls")`` gives its port, inbox and logins."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    running = []

    def start(mode: str):
        inbox, logins, port = Inbox(), Logins(), free_port()
        if mode == "starttls":  # plain at first; TLS and a login before any mail
            controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                                    require_starttls=True, authenticator=logins,
                                    auth_required=True, auth_require_tls=True)
        else:  # TLS from the first byte (SMTPS): AUTH is offered on the encrypted connection
            controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context,
                                    authenticator=logins, auth_require_tls=False)
        controller.start()
        running.append(controller)
        return port, inbox, logins

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture
def mail_config(app, certificate):
    """Set MAIL_* on the app for one test, restored afterwards."""
    keys = ("MAIL_HOST", "MAIL_PORT", "MAIL_SECURITY", "MAIL_USERNAME", "MAIL_PASSWORD",
            "MAIL_CA_FILE", "MAIL_SENDER")
    saved = {key: app.config.get(key) for key in keys}

    def configure(port: int, security: str, password: str = PASSWORD, ca_file=certificate[0]):
        app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY=security,
                          MAIL_USERNAME=USER, MAIL_PASSWORD=password,
                          MAIL_CA_FILE=str(ca_file) if ca_file else "",
                          MAIL_SENDER="delphi@example.org")

    yield configure
    app.config.update(saved)


def _messages(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_invitations_go_out_encrypted_after_logging_in(db, open_study, smtp_server, mail_config,
                                                       security):
    open_study(n=2)
    port, inbox, logins = smtp_server(security)
    mail_config(port, security)

    report = send_pending()
    db.session.commit()

    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert logins.accepted == [USER]  # one login for the connection, reused for both
    assert sorted(to for to, _ in inbox.received) == sorted(m.to_address for m in _messages(db))
    assert {m.status for m in _messages(db)} == {MessageStatus.SENT}


def test_a_wrong_password_keeps_the_messages_queued_with_the_reason(db, open_study, smtp_server,
                                                                    mail_config):
    open_study(n=1)
    port, inbox, logins = smtp_server("starttls")
    mail_config(port, "starttls", password="not the password")

    report = send_pending()
    db.session.commit()

    (message,) = _messages(db)
    assert (report.sent, report.retrying) == (0, 1)
    assert message.status is MessageStatus.PENDING and message.attempts == 1
    assert "SMTPAuthenticationError" in message.last_error
    assert inbox.received == [] and logins.accepted == []


def test_a_certificate_nobody_vouches_for_is_refused(db, open_study, smtp_server, mail_config):
    open_study(n=1)
    port, inbox, logins = smtp_server("tls")
    mail_config(port, "tls", ca_file=None)  # the system's CAs do not know the test certificate

    report = send_pending()
    db.session.commit()

    (message,) = _messages(db)
    assert report.sent == 0 and message.status is MessageStatus.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
    assert inbox.received == [] and logins.accepted == []  # the password never left


def test_without_starttls_a_server_that_requires_it_gets_no_password(db, open_study,
                                                                     smtp_server, mail_config):
    open_study(n=1)
    port, inbox, logins = smtp_server("starttls")
    mail_config(port, "none")

    report = send_pending()
    db.session.commit()

    (message,) = _messages(db)
    assert report.sent == 0 and message.status is MessageStatus.PENDING
    assert message.last_error  # the server refused: AUTH is not offered before STARTTLS
    assert inbox.received == [] and logins.accepted == []


def test_a_missing_ca_file_is_a_configuration_error_naming_the_setting(db, open_study,
                                                                        mail_config, tmp_path):
    open_study(n=1)
    mail_config(free_port(), "starttls", ca_file=tmp_path / "nowhere.pem")
    with pytest.raises(MailConfigError, match="MAIL_CA_FILE"):
        send_pending()
    db.session.rollback()
    (message,) = _messages(db)
    assert message.status is MessageStatus.PENDING and message.attempts == 0
