"""The Messages page lists a study's sign-up messages by kind in words, and only to that
study's team."""
from __future__ import annotations

from flask import g

from tests.signup.conftest import PAGE, form


def test_sign_up_messages_are_named_in_words_for_their_study_only(
        client, db, study, make_study, login_as):
    other = make_study(slug="other-study")
    login_as("coordinator", studies=[study])
    client.post(PAGE, data=form())  # a new address: a confirmation link
    client.post(PAGE, data=form(email="panellist1@example.org"))  # on the panel already
    page = client.get("/console/studies/open-study/messages")
    text = page.get_data(as_text=True)
    assert page.status_code == 200, page.headers.get("Location")
    assert "<td>Sign-up: confirm your address</td>" in text
    assert "<td>Sign-up: already on the panel</td>" in text
    assert "signup_confirm" not in text and "signup_already" not in text
    assert "nia.evans@example.org" in text

    g.pop("_login_user", None)  # the test's app context outlives requests: forget the user
    login_as("coordinator", studies=[other], email="other-team@example.org")
    own = client.get("/console/studies/other-study/messages").get_data(as_text=True)
    assert "Sign-up:" not in own and "nia.evans@example.org" not in own
    theirs = client.get("/console/studies/open-study/messages")
    assert theirs.status_code in (403, 404)
    assert "nia.evans@example.org" not in theirs.get_data(as_text=True)
