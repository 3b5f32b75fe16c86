"""Signing in and out: passwords, the ``next`` address, rate limiting, CSRF, cookie flags."""
from __future__ import annotations

import pytest

from delphi import create_app
from delphi.models import StaffUser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db, make_staff):
    user = make_staff(email="coordinator@example.org", role="coordinator", password=PASSWORD)
    db.session.commit()
    return user


def _login(client, email="coordinator@example.org", password=PASSWORD, next_=None):
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"email": email, "password": password})


def test_the_right_password_signs_in_and_the_console_shows_who(client, db, staff):
    response = _login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    page = client.get("/console/").get_data(as_text=True)
    assert "coordinator (coordinator)" in page
    assert "Sign out" in page
    assert db.session.get(StaffUser, staff.id).last_login_at is not None


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, staff):
    response = _login(client, password="not the password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The e-mail or password is not right" in page
    assert client.get("/console/").status_code == 302


def test_the_password_is_stored_hashed(db, staff):
    stored = db.session.get(StaffUser, staff.id).password_hash
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_a_disabled_account_cannot_sign_in(client, db, staff):
    staff.is_enabled = False
    db.session.commit()
    assert _login(client).status_code == 200
    assert client.get("/console/").status_code == 302


@pytest.mark.parametrize("target", ["/console/studies/new", "/console/?x=1"])
def test_next_is_honoured_when_it_is_a_path_here(client, staff, target):
    response = _login(client, next_=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
    "evil.example", "http:/evil.example",
])
def test_next_pointing_elsewhere_is_ignored(client, staff, target):
    response = _login(client, next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"


def test_an_anonymous_visit_returns_to_the_page_after_signing_in(client, staff):
    response = client.get("/console/studies/new")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    signed_in = client.post(login_url, data={"email": "coordinator@example.org",
                                             "password": PASSWORD})
    assert signed_in.headers["Location"] == "/console/studies/new"


def test_signing_out_needs_a_post_and_ends_the_session(client, staff):
    _login(client)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/console/").status_code == 302


@pytest.fixture
def limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    return app_config


def test_failed_sign_ins_are_rate_limited_per_address_and_email(limited, client, staff):
    for _ in range(5):
        assert _login(client, password="wrong password").status_code == 200
    blocked = _login(client)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    # Another e-mail from the same address is counted apart.
    assert _login(client, email="someone.else@example.org").status_code == 200


def test_successful_sign_ins_are_not_counted(limited, client, staff):
    for _ in range(7):
        assert _login(client).status_code == 302
        client.post("/logout")


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_sign_in_without_the_csrf_token_is_refused(csrf_on, client, staff):
    response = _login(client)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_sign_in_with_the_csrf_token_from_the_form_works(csrf_on, client, staff):
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "coordinator@example.org",
                                           "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_session_cookies_are_http_only_lax_and_secure_in_production(database_url, tmp_path):
    app = create_app({"DELPHI_ENV": "production", "SECRET_KEY": "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_session_cookie_sent_at_sign_in_carries_the_flags(client, staff):
    response = _login(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
