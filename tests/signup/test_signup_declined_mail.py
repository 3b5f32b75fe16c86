"""A declined sign-up's details are deleted, and the message telling the person so keeps
neither their address nor their name once it has been sent or given up."""
from __future__ import annotations

from datetime import timedelta

from delphi.mail.sender import send_pending
from delphi.models import MessageStatus, utcnow
from tests.signup.conftest import PAGE, form, links, sent_mail, signups
from tests.support.outbox import outbox_messages


def _declined(app, client, db, study, login_as):
    login_as("coordinator", studies=[study])
    study.signup_review = True
    db.session.commit()
    client.post(PAGE, data=form())
    [(_, _, body)] = sent_mail(app)
    client.post(links(body, "signup/confirm")[0])
    [signup] = signups(db)
    client.post(f"/console/studies/open-study/signup/{signup.id}/decline")
    [message] = [m for m in outbox_messages(db) if m.kind == "signup_declined"]
    assert message.to_address == "nia.evans@example.org"  # still to be sent
    return message


def test_once_sent_the_declined_message_keeps_no_address_or_name(
        app, client, db, study, login_as):
    _declined(app, client, db, study, login_as)
    (to, _, body) = sent_mail(app)[-1]
    assert to == "nia.evans@example.org" and "Dear Nia Evans" in body  # it did go out
    [message] = [m for m in outbox_messages(db) if m.kind == "signup_declined"]
    assert message.status is MessageStatus.SENT
    assert message.to_address == "" and "Nia" not in message.body
    page = client.get("/console/studies/open-study/messages").get_data(as_text=True)
    assert "nia.evans@example.org" not in page


def test_once_given_up_the_declined_message_keeps_no_address_or_name(
        app, client, db, study, login_as):
    message = _declined(app, client, db, study, login_as)
    message.status = MessageStatus.SENDING  # a sender stopped while sending it
    message.claimed_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    send_pending()
    [message] = [m for m in outbox_messages(db) if m.kind == "signup_declined"]
    assert message.status is MessageStatus.FAILED
    assert message.to_address == "" and "Nia" not in message.body
