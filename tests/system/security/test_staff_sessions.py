"""A staff session cookie copied before signing out, a password or role change, or "sign out
everywhere" opens nothing afterwards; remember-me cookies neither."""
from __future__ import annotations

import pytest
from flask_login.utils import encode_cookie

from delphi.models import AuditEvent, StaffUser

ADMIN_PASSWORD = "admin passphrase for tests"
COORD_PASSWORD = "coordinator passphrase for tests"


@pytest.fixture
def accounts(db, make_staff):
    admin = make_staff(email="admin@example.org", role="admin", password=ADMIN_PASSWORD)
    coord = make_staff(email="coord@example.org", role="coordinator", password=COORD_PASSWORD)
    db.session.commit()
    return admin, coord


def _open(app, client, path: str, method: str = "GET", **kwargs):
    """One request in its own application context, as in production (the test's context would
    otherwise keep the user the previous request loaded)."""
    with app.app_context():
        return client.open(path, method=method, **kwargs)


def _sign_in(app, client, email: str, password: str) -> str:
    """Sign in through the form; the session cookie it set."""
    response = _open(app, client, "/login", "POST", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get_cookie("session").value


def _replay(app, cookie: str, path: str, name: str = "session"):
    """``path`` opened by another browser holding only a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(name, cookie)
    return _open(app, thief, path)


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_copied_cookie_works_until_its_owner_signs_out(app, client, accounts):
    cookie = _sign_in(app, client, "admin@example.org", ADMIN_PASSWORD)
    before = _replay(app, cookie, "/admin/staff")
    assert before.status_code == 200 and "coord@example.org" in before.get_data(as_text=True)

    _open(app, client, "/logout", "POST")

    assert _is_sign_in_redirect(_replay(app, cookie, "/admin/staff"))


def test_a_new_password_set_by_an_admin_ends_the_coordinators_sessions(app, client, db,
                                                                        accounts):
    _, coord = accounts
    coord_cookie = _sign_in(app, app.test_client(), "coord@example.org", COORD_PASSWORD)
    assert _replay(app, coord_cookie, "/console/").status_code == 200
    _sign_in(app, client, "admin@example.org", ADMIN_PASSWORD)

    saved = _open(app, client, f"/admin/staff/{coord.id}", "POST", data={
        "name": "coord", "role": "coordinator", "enabled": "y",
        "password": "a brand new passphrase", "confirm": "a brand new passphrase"})

    assert saved.status_code == 302
    assert _is_sign_in_redirect(_replay(app, coord_cookie, "/console/"))
    # The new password signs in.
    assert _sign_in(app, app.test_client(), "coord@example.org", "a brand new passphrase")


def test_a_role_change_ends_the_accounts_sessions(app, client, accounts):
    _, coord = accounts
    coord_cookie = _sign_in(app, app.test_client(), "coord@example.org", COORD_PASSWORD)
    _sign_in(app, client, "admin@example.org", ADMIN_PASSWORD)

    _open(app, client, f"/admin/staff/{coord.id}", "POST",
          data={"name": "coord", "role": "admin", "enabled": "y"})

    assert _is_sign_in_redirect(_replay(app, coord_cookie, "/console/"))


def test_saving_an_account_unchanged_keeps_its_sessions(app, client, accounts):
    _, coord = accounts
    coord_cookie = _sign_in(app, app.test_client(), "coord@example.org", COORD_PASSWORD)
    _sign_in(app, client, "admin@example.org", ADMIN_PASSWORD)

    _open(app, client, f"/admin/staff/{coord.id}", "POST",
          data={"name": "Coordinator", "role": "coordinator", "enabled": "y"})

    assert _replay(app, coord_cookie, "/console/").status_code == 200


def test_an_admin_changing_their_own_password_stays_signed_in_here_only(app, client, accounts):
    admin, _ = accounts
    other_browser = _sign_in(app, app.test_client(), "admin@example.org", ADMIN_PASSWORD)
    _sign_in(app, client, "admin@example.org", ADMIN_PASSWORD)

    saved = _open(app, client, f"/admin/staff/{admin.id}", "POST", data={
        "name": "admin", "role": "admin", "enabled": "y",
        "password": "a fresh passphrase for me", "confirm": "a fresh passphrase for me"})

    assert saved.status_code == 302
    assert _open(app, client, "/admin/staff").status_code == 200
    assert _is_sign_in_redirect(_replay(app, other_browser, "/admin/staff"))


def test_sign_out_everywhere_ends_every_session_and_is_audited(app, client, db, accounts):
    laptop = _sign_in(app, app.test_client(), "coord@example.org", COORD_PASSWORD)
    _sign_in(app, client, "coord@example.org", COORD_PASSWORD)
    page = _open(app, client, "/console/").get_data(as_text=True)
    assert "Sign out everywhere" in page

    response = _open(app, client, "/logout/everywhere", "POST")

    assert _is_sign_in_redirect(response)
    assert "You are signed out everywhere" in _open(app, client, "/login").get_data(as_text=True)
    assert _is_sign_in_redirect(_replay(app, laptop, "/console/"))
    assert _is_sign_in_redirect(_open(app, client, "/console/"))
    db.session.expire_all()
    events = db.session.scalars(db.select(AuditEvent).filter_by(
        action="staff.sign_out_everywhere")).all()
    assert [(e.actor, e.target) for e in events] == [("coord@example.org", "coord@example.org")]


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_sign_out_everywhere_needs_the_pages_csrf_token(csrf_on, app, client, db, accounts):
    _, coord = accounts
    with client.session_transaction() as session:
        session["_user_id"] = coord.get_id()
        session["_fresh"] = True

    forged = _open(app, client, "/logout/everywhere", "POST")  # another site's form has no token

    assert forged.status_code == 400
    assert _open(app, client, "/console/").status_code == 200
    assert db.session.get(StaffUser, coord.id).session_version == 0


def test_a_remember_me_cookie_stops_working_after_signing_out(app, client, db, accounts):
    _, coord = accounts
    with app.test_request_context():
        remembered = encode_cookie(coord.get_id())  # what login_user(remember=True) sets
    assert _replay(app, remembered, "/console/", name="remember_token").status_code == 200
    _sign_in(app, client, "coord@example.org", COORD_PASSWORD)

    _open(app, client, "/logout", "POST")

    assert _is_sign_in_redirect(_replay(app, remembered, "/console/", name="remember_token"))


def test_a_session_from_before_session_versions_is_not_accepted(app, accounts):
    _, coord = accounts
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(coord.id)  # the plain id cookies used to carry

    assert _is_sign_in_redirect(_open(app, client, "/console/"))
