"""Sending the outbox to a real SMTP server on loopback, retries, and the messages page."""
from __future__ import annotations

import html
import re
import socket
import threading
from datetime import timedelta

import pytest

from delphi.mail.sender import MAX_ATTEMPTS, send_pending
from delphi.models import MessageStatus, utcnow
from delphi.panel.tokens import find_panellist
from delphi.rounds.lifecycle import open_round
from tests.support.outbox import outbox_messages

LINK = re.compile(r"http://delphi\.test/p/([A-Za-z0-9_-]+)")


def test_invitations_arrive_with_each_panellists_own_link(smtp_config, app, db, invited,
                                                          smtp_server):
    study, panel = invited
    report = send_pending()
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    received = {m["To"]: m for m in smtp_server.received}
    assert sorted(received) == sorted(p.email for p in panel)
    for panellist in panel:
        message = received[panellist.email]
        assert message["From"] == "delphi@example.org"
        assert message["Subject"] == f"{study.title}: round 1 is open"
        body = message.get_content()
        assert f"Dear {panellist.name}," in body
        token = LINK.search(body).group(1)
        assert find_panellist(token).id == panellist.id
    stored = outbox_messages(db)
    assert {m.status for m in stored} == {MessageStatus.SENT}
    assert all("{link}" in m.body and "/p/" not in m.body for m in stored)  # never the token


def test_a_failing_server_keeps_messages_queued_then_each_is_delivered_once(
        smtp_config, app, db, invited, smtp_server):
    smtp_server.refuse = True
    report = send_pending()
    assert (report.sent, report.retrying) == (0, 3)
    messages = outbox_messages(db)
    assert {m.status for m in messages} == {MessageStatus.PENDING}
    assert all("451" in m.last_error and m.attempts == 1 for m in messages)
    assert all(m.next_attempt_at > utcnow() for m in messages)
    assert smtp_server.received == []

    smtp_server.refuse = False
    assert send_pending().sent == 0  # not yet due: the back-off is respected
    later = utcnow() + timedelta(hours=1)
    assert send_pending(now=later).sent == 3
    assert send_pending(now=later + timedelta(days=1)).sent == 0
    assert sorted(m["To"] for m in smtp_server.received) == sorted(
        p.email for p in invited[1])
    assert all(m.status is MessageStatus.SENT and m.last_error is None for m in outbox_messages(db))


def test_the_back_off_doubles_and_gives_up_after_the_last_attempt(smtp_config, app, db, invited,
                                                                  smtp_server):
    smtp_server.refuse = True
    now = utcnow()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        send_pending(now=now)
        message = outbox_messages(db)[0]
        if message.status is MessageStatus.PENDING:
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at
    message = outbox_messages(db)[0]
    assert message.status is MessageStatus.FAILED and message.attempts == MAX_ATTEMPTS
    assert waits == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20),
                     timedelta(minutes=40)]


@pytest.fixture
def unreachable_config(app_config):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app_config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
    return app_config


def test_a_server_that_cannot_be_reached_is_recorded_on_each_message(unreachable_config, app,
                                                                     db, invited):
    report = send_pending()
    assert (report.sent, report.retrying) == (0, 3)
    assert all(m.status is MessageStatus.PENDING and "ConnectionRefusedError" in m.last_error
               for m in outbox_messages(db))


def test_two_senders_at_once_send_each_message_once(smtp_config, app, db, invited, smtp_server):
    results = []

    def sender():
        with app.app_context():
            results.append(send_pending())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in results) == 3
    assert len(smtp_server.received) == 3


def test_a_message_claimed_by_another_sender_is_left_alone(smtp_config, app, db, invited,
                                                           smtp_server):
    first = outbox_messages(db)[0]
    first.status = MessageStatus.SENDING
    db.session.commit()
    assert send_pending().sent == 2
    assert outbox_messages(db)[0].status is MessageStatus.SENDING


def test_without_smtp_messages_become_files_listed_on_the_messages_page(app, db, client,
                                                                        login_as, invited):
    study, panel = invited
    login_as("coordinator", studies=[study])
    response = client.post(f"/console/studies/{study.slug}/messages/send", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Messages: 3 sent, 0 to be retried, 0 failed for good." in page
    names = re.findall(r'(study-\d+-message-\d{6}\.eml)</a>', page)
    assert len(names) == 3
    shown = client.get(f"/console/studies/{study.slug}/messages/files/{names[0]}")
    token = LINK.search(shown.get_data(as_text=True)).group(1)
    assert find_panellist(token) is not None
    assert client.get(f"/console/studies/{study.slug}/messages/files/../secret_key") \
        .status_code == 404


def test_the_messages_page_shows_statuses_and_errors(smtp_config, app, db, client, login_as,
                                                     invited, smtp_server):
    study, _ = invited
    smtp_server.refuse = True
    send_pending()
    login_as("admin")
    page = client.get(f"/console/studies/{study.slug}/messages").get_data(as_text=True)
    assert page.count("Mailbox temporarily unavailable") == 3
    assert "pending</span> 3" in page


def test_message_texts_are_edited_previewed_and_used(smtp_config, app, db, client, login_as,
                                                     make_study, make_panel, smtp_server):
    study = make_study(sections=1, items_per_section=1)
    study.contact = "Dr Rivera"
    make_panel(study, n=1)
    db.session.commit()
    login_as("admin")
    texts = {"invitation_subject": "{study}: your views, please",
             "invitation_body": "Hello {name}, rate by {deadline}: {link}\n{contact}",
             "reminder_subject": "", "reminder_body": ""}
    preview = client.post(f"/console/studies/{study.slug}/messages/texts",
                          data=dict(texts, action="preview")).get_data(as_text=True)
    assert "Hello Panellist 1, rate by the end of the round:" in preview
    assert "Study test-study: your views, please" in preview
    assert db.session.get(type(study), study.id).invitation_subject is None  # not saved

    missing_link = client.post(f"/console/studies/{study.slug}/messages/texts",
                               data=dict(texts, invitation_body="No link here", action="save"))
    assert missing_link.status_code == 400
    assert "must contain {link}" in missing_link.get_data(as_text=True)

    saved = client.post(f"/console/studies/{study.slug}/messages/texts",
                        data=dict(texts, action="save"))
    assert saved.status_code == 302
    open_round(study, closes_at=utcnow() + timedelta(days=3))
    db.session.commit()
    send_pending()
    (message,) = smtp_server.received
    assert message["Subject"] == "Study test-study: your views, please"
    body = message.get_content()
    assert body.startswith("Hello Panellist 1, rate by ")
    assert LINK.search(body) and "Dr Rivera" in body


def test_mail_send_command_reports_what_happened(smtp_config, app, db, runner, invited,
                                                 smtp_server):
    result = runner.invoke(args=["delphi", "mail", "send"])
    assert result.exit_code == 0, result.output
    assert "3 sent, 0 to be retried, 0 failed for good." in result.output
    assert len(smtp_server.received) == 3


def test_a_bad_security_setting_is_named(app_config, db, runner):
    runner.app.config["MAIL_HOST"] = "127.0.0.1"
    runner.app.config["MAIL_SECURITY"] = "ssl"
    result = runner.invoke(args=["delphi", "mail", "send"])
    assert result.exit_code == 1
    assert "MAIL_SECURITY is 'ssl'; use one of none, starttls, tls." in result.output


def test_the_texts_start_from_the_standard_ones_and_a_tweak_is_kept(app, db, client, login_as,
                                                                     make_study):
    study = make_study(sections=1, items_per_section=1)
    db.session.commit()
    login_as("admin")
    page = html.unescape(client.get(f"/console/studies/{study.slug}/messages")
                         .get_data(as_text=True))
    invitation = re.search(r'<textarea[^>]*id="invitation_body"[^>]*>(.*?)</textarea>', page,
                           re.S).group(1)
    assert invitation.lstrip().startswith("Dear {name},")
    assert "Please give your ratings by {deadline} using your personal link:" in invitation
    assert 'value="{study}: round {round} is open"' in page

    # Saved unchanged (as the browser sends it, with CRLF), the standard text stays in use.
    unchanged = {key: re.search(rf'<textarea[^>]*id="{key}"[^>]*>(.*?)</textarea>', page,
                                re.S).group(1).lstrip("\n").replace("\n", "\r\n")
                 for key in ("invitation_body", "reminder_body")}
    unchanged |= {"invitation_subject": "{study}: round {round} is open",
                  "reminder_subject": "Reminder: {study}, round {round} closes {deadline}"}
    assert client.post(f"/console/studies/{study.slug}/messages/texts",
                       data=dict(unchanged, action="save")).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(study), study.id).invitation_body is None

    tweaked = dict(unchanged, invitation_body=unchanged["invitation_body"].replace(
        "Thank you for taking part.", "Thank you: it takes about 20 minutes."))
    client.post(f"/console/studies/{study.slug}/messages/texts", data=dict(tweaked, action="save"))
    db.session.expire_all()
    assert "it takes about 20 minutes" in db.session.get(type(study), study.id).invitation_body


def test_an_e_mail_keeps_each_sentence_on_one_line(smtp_config, app, db, invited, smtp_server):
    """The mail program wraps paragraphs to the reader's window: no break in mid-sentence."""
    study, panel = invited
    send_pending()
    body = smtp_server.received[0].get_content()
    lines = body.splitlines()
    assert (f'Round 1 of the Delphi consultation "{study.title}" is now open. Please give your '
            "ratings by ") in body
    for line in lines:
        # A line that ends without closing its sentence is the greeting, a link or blank.
        assert line == "" or line.endswith((".", ":", ",")) or "/p/" in line or line == \
            study.contact, line
