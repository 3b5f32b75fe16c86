"""A sign-in for an unknown e-mail does the same password-hash work as one for a real account,
so how long it takes does not tell whether the account exists."""
from __future__ import annotations

import pytest
from werkzeug import security

import delphi.auth.accounts
import delphi.models.staff

PASSWORD = "correct horse battery staple"


@pytest.fixture
def hash_checks(monkeypatch):
    """Every call of werkzeug's check_password_hash, as the hash's method (before the salt)."""
    methods: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        methods.append(pwhash.split("$", 1)[0])
        return security.check_password_hash(pwhash, password)

    # Each module that checks a password holds its own reference to the function.
    monkeypatch.setattr(delphi.models.staff, "check_password_hash", counting)
    monkeypatch.setattr(delphi.auth.accounts, "check_password_hash", counting)
    return methods


@pytest.fixture
def staff(db, make_staff):
    user = make_staff(email="coordinator@example.org", role="coordinator", password=PASSWORD)
    db.session.commit()
    return user


def _sign_in(client, email: str, password: str = "a wrong password"):
    return client.post("/login", data={"email": email, "password": password})


@pytest.mark.parametrize("email", ["coordinator@example.org", "nobody@example.org"])
def test_known_and_unknown_e_mails_check_one_hash_of_the_configured_method(
        app, client, staff, hash_checks, email):
    response = _sign_in(client, email)

    assert response.status_code == 200
    assert "The e-mail or password is not right" in response.get_data(as_text=True)
    assert hash_checks == [app.config["PASSWORD_HASH_METHOD"]]


def test_a_disabled_account_checks_the_password_too(client, db, staff, hash_checks):
    staff.is_enabled = False
    db.session.commit()

    response = _sign_in(client, "coordinator@example.org", PASSWORD)

    assert response.status_code == 200
    assert "The e-mail or password is not right, or the account is disabled" in \
        response.get_data(as_text=True)
    assert len(hash_checks) == 1


def test_the_right_password_still_signs_in(client, staff, hash_checks):
    assert _sign_in(client, "coordinator@example.org", PASSWORD).status_code == 302
    assert len(hash_checks) == 1
