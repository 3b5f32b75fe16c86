"""Staff passwords that are easy to guess are refused, with the reason, wherever a password is
set: ``delphi staff create``, the administrators' new-account form and the account form."""
from __future__ import annotations

import pytest

from delphi.auth.passwords import password_problem
from delphi.models import StaffUser

GOOD = "correct horse battery staple"

REFUSED = [
    ("short pw", "coord@example.org", "at least 10 characters"),
    ("aaaaaaaaaa", "coord@example.org", "one character repeated"),
    ("password12", "coord@example.org", "one of the 20,000 most common passwords"),
    ("qwertyuiop", "coord@example.org", "one of the 20,000 most common passwords"),
    ("Sunshine2024!", "coord@example.org", "a common password with digits or symbols added"),
    ("abcdefghijk", "coord@example.org", "a simple sequence"),
    ("9876543210", "coord@example.org", "a simple sequence"),
    ("abcabcabcabc", "coord@example.org", "repeats a pattern of a few characters"),
    ("Maria.Lopez-rocks-2025", "maria.lopez@example.org",
     "contains the account's e-mail name (maria.lopez)"),
]


@pytest.mark.parametrize("password, email, reason", REFUSED)
def test_easy_passwords_are_refused_with_the_reason(password, email, reason):
    assert reason in password_problem(password, email=email)


@pytest.mark.parametrize("password, email", [
    (GOOD, "coord@example.org"),
    ("Quartz lantern orbit 1917", "lead@example.org"),
    ("tram-violet-harbour-94", "jo@example.org"),  # "jo" is too short to count as a name
])
def test_passphrases_are_accepted(password, email):
    assert password_problem(password, email=email) is None


def _staff(db, email: str) -> StaffUser | None:
    db.session.expire_all()
    return db.session.scalar(db.select(StaffUser).filter_by(email=email))


def test_the_command_line_refuses_a_common_password_and_creates_nothing(runner, db):
    result = runner.invoke(args=["delphi", "staff", "create", "lead@example.org", "--role",
                                 "admin", "--password-stdin"], input="password12\n")

    assert result.exit_code == 1
    assert "The password is one of the 20,000 most common passwords" in result.output
    assert "Traceback" not in result.output
    assert _staff(db, "lead@example.org") is None


def test_the_new_account_form_says_why_beside_the_password(client, db, login_as):
    login_as("admin")

    response = client.post("/admin/staff", data={
        "email": "coord@example.org", "role": "coordinator", "password": "aaaaaaaaaa",
        "confirm": "aaaaaaaaaa"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The password is one character repeated" in page
    assert 'id="password-error"' in page
    assert _staff(db, "coord@example.org") is None


def test_the_account_form_refuses_a_new_password_holding_the_e_mail_name(client, db, login_as,
                                                                          make_staff):
    login_as("admin")
    coord = make_staff(email="coordinator@example.org", role="coordinator", password=GOOD)
    db.session.commit()

    response = client.post(f"/admin/staff/{coord.id}", data={
        "name": "Coordinator", "role": "coordinator", "enabled": "y",
        "password": "coordinator2026", "confirm": "coordinator2026"})

    assert response.status_code == 200
    assert "contains the account&#39;s e-mail name (coordinator)" in \
        response.get_data(as_text=True)
    stored = _staff(db, "coordinator@example.org")
    assert stored.check_password(GOOD) and stored.name == "coordinator"
