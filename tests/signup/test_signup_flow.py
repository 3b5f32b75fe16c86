"""Open sign-up from the public page to the panel: double opt-in through the outbox, consent
carried to the consent log, the personal link sent, and the team's review."""
from __future__ import annotations

from delphi.models import (
    AuditEvent,
    ConsentEvent,
    JoinedBy,
    OutboxMessage,
    Panellist,
    SignupState,
)
from delphi.rounds.lifecycle import open_round
from tests.signup.conftest import PAGE, form, links, sent_mail, signups
from tests.support.outbox import outbox_messages


def _panellist(db, email: str) -> Panellist | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Panellist).filter_by(email=email))


def test_the_page_shows_the_study_its_sheet_groups_question_and_statements(client, study):
    page = client.get(PAGE)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A test study." in text  # the description
    assert "<strong>you</strong>" in text  # the sheet, rendered from Markdown
    for words in ("Social workers", "People who use services", "Do you work in England?",
                  "I have read the information sheet.", "I agree to take part."):
        assert words in text


def test_sign_up_confirm_and_join_with_the_consent_given_on_the_page(app, client, db, study):
    page = client.post(PAGE, data=form())
    assert page.status_code == 200
    assert "Check your e-mail" in page.get_data(as_text=True)
    assert _panellist(db, "nia.evans@example.org") is None  # not before confirming
    [message] = outbox_messages(db)
    assert (message.kind, message.to_address) == ("signup_confirm", "nia.evans@example.org")
    assert "{link}" in message.body  # the link is never stored, only filled in when sent

    [(to, subject, body)] = sent_mail(app)
    assert to == "nia.evans@example.org" and "confirm your sign-up" in subject
    [confirm] = links(body, "signup/confirm")
    asked = client.get(confirm)
    assert asked.status_code == 200 and "Confirm my sign-up" in asked.get_data(as_text=True)
    assert _panellist(db, "nia.evans@example.org") is None  # opening the link is not enough
    done = client.post(confirm)
    assert done.status_code == 200
    assert "Welcome to the panel" in done.get_data(as_text=True)

    panellist = _panellist(db, "nia.evans@example.org")
    assert (panellist.pseudonym, panellist.group, panellist.joined_by) == (
        "P003", "Social workers", JoinedBy.SIGNUP)
    assert signups(db) == []
    consent = db.session.scalar(db.select(ConsentEvent).filter_by(panellist_id=panellist.id))
    assert consent is not None and consent.version.number == 1
    welcome = [m for m in outbox_messages(db) if m.kind == "signup_welcome"]
    assert [(m.panellist_id, m.to_address) for m in welcome] == [
        (panellist.id, "nia.evans@example.org")]
    mails = sent_mail(app)
    [personal] = links(mails[-1][2], "p")
    # The consent given on the sign-up page counts: the link opens on the questionnaire.
    assert client.get(personal).status_code == 200
    assert "/consent" not in client.get(personal).headers.get("Location", "")
    # The confirmation link works once.
    again = client.post(confirm)
    assert again.status_code == 404 and "not valid" in again.get_data(as_text=True)


def test_joining_while_a_round_is_open_invites_to_it(app, client, db, study):
    open_round(study)
    db.session.commit()
    client.post(PAGE, data=form())
    [body] = [body for to, _, body in sent_mail(app) if to == "nia.evans@example.org"]
    client.post(links(body, "signup/confirm")[0])
    panellist = _panellist(db, "nia.evans@example.org")
    kinds = [m.kind for m in outbox_messages(db) if m.panellist_id == panellist.id]
    assert kinds == ["invitation"]  # the invitation carries the personal link


def test_review_mode_waits_for_the_team_then_accepts_with_an_email(
        app, client, db, study, login_as):
    login_as("coordinator", studies=[study])
    study.signup_review = True
    db.session.commit()
    client.post(PAGE, data=form())
    [(_, _, body)] = sent_mail(app)
    done = client.post(links(body, "signup/confirm")[0])
    assert "research team looks at each sign-up" in done.get_data(as_text=True)
    assert _panellist(db, "nia.evans@example.org") is None
    [signup] = signups(db)
    review = client.get("/console/studies/open-study/signup")
    assert review.status_code == 200 and "nia.evans@example.org" in review.get_data(as_text=True)
    accepted = client.post(f"/console/studies/open-study/signup/{signup.id}/accept",
                           follow_redirects=True)
    assert "Accepted: P003 joins the panel" in accepted.get_data(as_text=True)
    panellist = _panellist(db, "nia.evans@example.org")
    assert panellist.joined_by is JoinedBy.SIGNUP and signups(db) == []
    assert [m.kind for m in outbox_messages(db) if m.panellist_id == panellist.id] == [
        "signup_welcome"]
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="signup.accept")) is not None
    trail = client.get("/console/studies/open-study/audit").get_data(as_text=True)
    assert "Sign-up accepted onto the panel" in trail and "nia.evans" not in trail


def test_review_mode_declines_with_an_email_and_keeps_nothing(app, client, db, study, login_as):
    login_as("coordinator", studies=[study])
    study.signup_review = True
    db.session.commit()
    client.post(PAGE, data=form())
    [(_, _, body)] = sent_mail(app)
    client.post(links(body, "signup/confirm")[0])
    [signup] = signups(db)
    declined = client.post(f"/console/studies/open-study/signup/{signup.id}/decline",
                           follow_redirects=True)
    assert "Declined" in declined.get_data(as_text=True)
    assert signups(db) == [] and _panellist(db, "nia.evans@example.org") is None
    last = outbox_messages(db)[-1]
    assert (last.kind, last.to_address) == ("signup_declined", "nia.evans@example.org")
    (to, subject, body) = sent_mail(app)[-1]
    assert to == "nia.evans@example.org" and "not able to include you" in body
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="signup.decline"))
    assert event is not None and "nia" not in str(event.after).lower()


def test_a_panellist_added_each_way_shows_how_they_joined(client, db, study, login_as):
    login_as("coordinator", studies=[study])
    client.post("/console/studies/open-study/panel/new",
                data={"name": "Cai Jones", "email": "cai@example.org", "group": "Nurses"})
    client.post("/console/studies/open-study/panel/import",
                data={"file": (__import__("io").BytesIO(
                    b"name,email,group\nDee Roy,dee@example.org,Nurses\n"), "panel.csv")})
    assert _panellist(db, "cai@example.org").joined_by is JoinedBy.CONSOLE
    assert _panellist(db, "dee@example.org").joined_by is JoinedBy.IMPORT
    text = client.get("/console/studies/open-study/panel").get_data(as_text=True)
    assert "Joined by" in text and "console" in text and "import" in text


def test_sign_up_page_of_a_study_with_sign_up_off_is_not_found(client, db, study):
    study.signup = SignupState.OFF
    db.session.commit()
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, data=form()).status_code == 404
    assert signups(db) == [] and db.session.scalar(db.select(OutboxMessage.id)) is None


def test_confirmation_tokens_are_kept_out_of_the_request_log():
    from delphi.request_logging import redact

    line = '127.0.0.1 - - "POST /signup/confirm/AMZ1PG1382o3HJ-5GcI HTTP/1.1" 200 -'
    assert redact(line) == '127.0.0.1 - - "POST /signup/confirm/[redacted] HTTP/1.1" 200 -'
    assert "AMZ1" not in redact(line.replace("/confirm/", "%2Fconfirm%2F"))
    assert redact("GET /p/abc HTTP/1.1") == "GET /p/[redacted] HTTP/1.1"
