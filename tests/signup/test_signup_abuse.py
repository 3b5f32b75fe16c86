"""What the sign-up page does against abuse and mistakes: one reply for every address, no
second panellist or sign-up for one address, a honeypot, caps, closing, eligibility, expiry,
escaping and a rate limit."""
from __future__ import annotations

from datetime import timedelta

from delphi.models import Panellist, SignupState, utcnow
from delphi.scheduling import tick
from tests.signup.conftest import PAGE, form, links, sent_mail, signups
from tests.support.outbox import outbox_messages

EXISTING = "panellist1@example.org"  # make_panel's first panellist, a social worker


def _panellists(db) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(Panellist.id)))


def test_the_reply_is_the_same_whether_or_not_the_address_is_on_the_panel(client, db, study):
    new = client.post(PAGE, data=form(email="someone.new@example.org"))
    existing = client.post(PAGE, data=form(email=EXISTING.upper(), name="Not Their Name"))
    assert new.status_code == existing.status_code == 200
    assert new.get_data() == existing.get_data()
    assert "Check your e-mail" in new.get_data(as_text=True)
    # Only the owner of the address learns they are on the panel, with their own link.
    already = [m for m in outbox_messages(db) if m.kind == "signup_already"]
    [panellist] = db.session.scalars(db.select(Panellist).filter_by(email=EXISTING)).all()
    assert [(m.to_address, m.panellist_id) for m in already] == [(EXISTING, panellist.id)]
    assert "Dear Panellist 1," in already[0].body and "Not Their Name" not in already[0].body
    assert [s.email for s in signups(db)] == ["someone.new@example.org"]
    assert _panellists(db) == 2


def test_a_second_sign_up_with_the_same_address_adds_nothing_and_only_the_new_link_works(
        app, client, db, study):
    client.post(PAGE, data=form())
    first = links(sent_mail(app)[-1][2], "signup/confirm")[0]
    again = client.post(PAGE, data=form(email="Nia.Evans@Example.org", name="Nia E."))
    assert again.status_code == 200
    assert len(signups(db)) == 1
    second = links(sent_mail(app)[-1][2], "signup/confirm")[0]
    assert first != second
    assert client.post(first).status_code == 404
    assert client.post(second).status_code == 200
    assert _panellists(db) == 3 and signups(db) == []
    # Signing up once more after joining makes no second panellist either.
    client.post(PAGE, data=form())
    assert _panellists(db) == 3 and signups(db) == []
    assert outbox_messages(db)[-1].kind == "signup_already"


def test_a_filled_honeypot_gets_the_same_reply_and_nothing_is_stored_or_sent(client, db, study):
    page = client.post(PAGE, data=form(website="http://spam.example"))
    assert page.status_code == 200 and "Check your e-mail" in page.get_data(as_text=True)
    assert signups(db) == [] and outbox_messages(db) == []


def test_an_answer_the_study_does_not_accept_is_told_kindly_and_nothing_is_stored(
        client, db, study):
    page = client.post(PAGE, data=form(eligibility_0="No"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Thank you for your interest" in text and "Nothing you typed has been kept" in text
    assert signups(db) == [] and outbox_messages(db) == []


def test_missing_consent_is_refused_with_the_statement_named(client, db, study):
    page = client.post(PAGE, data=form(statement_2=None))
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert '<a href="#statement_2">Tick to take part: I agree to take part.</a>' in text
    assert "#statement_1" not in text
    assert signups(db) == []


def test_a_full_group_is_not_offered_and_cannot_be_posted(client, db, study):
    study.signup_caps = {"social workers": 1, "Carers": 2}  # one social worker is on the panel
    db.session.commit()
    text = client.get(PAGE).get_data(as_text=True)
    assert 'value="Social workers"' not in text
    assert 'value="People who use services"' in text and 'value="Carers"' in text
    refused = client.post(PAGE, data=form())
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert signups(db) == []
    assert client.post(PAGE, data=form(group="Carers")).status_code == 200
    assert [s.group for s in signups(db)] == ["Carers"]


def test_a_group_that_fills_before_confirming_is_refused_at_confirmation(
        app, client, db, study):
    study.signup_caps = {"Carers": 1}
    db.session.commit()
    client.post(PAGE, data=form(group="Carers"))
    client.post(PAGE, data=form(group="Carers", email="other@example.org"))
    mails = sent_mail(app)
    client.post(links(mails[1][2], "signup/confirm")[0])  # the second one confirms first
    late = client.post(links(mails[0][2], "signup/confirm")[0])
    assert late.status_code == 409 and "filled up" in late.get_data(as_text=True)
    assert _panellists(db) == 3 and signups(db) == []


def test_closed_sign_up_says_so_and_takes_nothing(client, db, study):
    study.signup = SignupState.CLOSED
    db.session.commit()
    page = client.get(PAGE)
    assert page.status_code == 200 and "Sign-up has closed" in page.get_data(as_text=True)
    assert "<form" not in page.get_data(as_text=True)
    client.post(PAGE, data=form())
    assert signups(db) == [] and outbox_messages(db) == []


def test_a_sign_up_closed_before_confirming_is_not_confirmed(app, client, db, study):
    client.post(PAGE, data=form())
    link = links(sent_mail(app)[-1][2], "signup/confirm")[0]
    study.signup = SignupState.CLOSED
    db.session.commit()
    page = client.post(link)
    assert page.status_code == 409 and "closed before you confirmed" in page.get_data(as_text=True)
    assert _panellists(db) == 2 and signups(db) == []


def test_delphi_tick_deletes_unconfirmed_sign_ups_after_48_hours_with_their_message(
        client, db, study):
    client.post(PAGE, data=form())
    client.post(PAGE, data=form(email="later@example.org"))
    [first, second] = signups(db)
    first.created_at = first.expires_at = utcnow() - timedelta(hours=1)  # made 49 hours ago
    db.session.commit()
    report = tick()
    assert "1 unconfirmed sign-ups expired and deleted." in report.describe()
    assert [s.email for s in signups(db)] == ["later@example.org"]
    assert [m.to_address for m in outbox_messages(db)] == ["later@example.org"]
    assert (second.expires_at - second.created_at) == timedelta(hours=48)


def test_what_people_type_is_escaped_on_the_team_s_page(app, client, db, study, login_as):
    login_as("coordinator", studies=[study])
    study.signup_review = True
    db.session.commit()
    client.post(PAGE, data=form(name='<script>alert("x")</script>'))
    client.post(links(sent_mail(app)[-1][2], "signup/confirm")[0])
    text = client.get("/console/studies/open-study/signup").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    assert '<script>alert("x")' not in text
