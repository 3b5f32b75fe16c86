"""Staff accounts: ``delphi staff create|assign`` and the administrators' page."""
from __future__ import annotations

import pytest

from delphi.models import AuditEvent, Role, StaffUser

PASSWORD = "a long enough password"


def _staff(db, email):
    db.session.expire_all()
    return db.session.scalar(db.select(StaffUser).filter_by(email=email))


def test_create_an_admin_asking_for_the_password_twice(runner, db):
    result = runner.invoke(args=["delphi", "staff", "create", "Lead@Example.org", "--role",
                                 "admin", "--name", "Lead"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Created admin account lead@example.org." in result.output
    user = _staff(db, "lead@example.org")
    assert user.role is Role.ADMIN and user.name == "Lead"
    assert user.check_password(PASSWORD)


def test_create_reading_the_password_from_stdin(runner, db):
    result = runner.invoke(args=["delphi", "staff", "create", "c@example.org", "--role",
                                 "coordinator", "--password-stdin"], input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert _staff(db, "c@example.org").check_password(PASSWORD)


def test_a_short_password_or_a_taken_email_is_refused_with_a_reason(runner, db, make_staff):
    make_staff(email="taken@example.org")
    db.session.commit()
    short = runner.invoke(args=["delphi", "staff", "create", "new@example.org", "--role",
                                "admin", "--password-stdin"], input="short\n")
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    taken = runner.invoke(args=["delphi", "staff", "create", "taken@example.org", "--role",
                                "admin", "--password-stdin"], input=f"{PASSWORD}\n")
    assert taken.exit_code == 1
    assert "already exists" in taken.output
    assert _staff(db, "new@example.org") is None


def test_assign_a_coordinator_to_a_study(runner, db, make_staff, make_study):
    make_staff(email="c@example.org", role="coordinator")
    make_study(slug="alpha")
    db.session.commit()
    result = runner.invoke(args=["delphi", "staff", "assign", "c@example.org", "alpha"])
    assert result.exit_code == 0, result.output
    assert [s.slug for s in _staff(db, "c@example.org").studies] == ["alpha"]
    again = runner.invoke(args=["delphi", "staff", "assign", "c@example.org", "alpha"])
    assert "already assigned" in again.output
    missing = runner.invoke(args=["delphi", "staff", "assign", "c@example.org", "beta"])
    assert missing.exit_code == 1
    assert "No study has the slug 'beta'; the studies are: alpha." in missing.output


def test_an_admin_creates_an_account_and_assigns_it(client, db, login_as, make_study):
    admin = login_as("admin")
    study = make_study(slug="alpha")
    db.session.commit()
    response = client.post("/admin/staff", data={
        "email": "new@example.org", "name": "New", "role": "coordinator",
        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    user = _staff(db, "new@example.org")
    page = client.post(f"/admin/staff/{user.id}", data={
        "name": "New Name", "role": "coordinator", "enabled": "y", "studies": [str(study.id)]},
        follow_redirects=True).get_data(as_text=True)
    assert "Account new@example.org saved." in page
    user = _staff(db, "new@example.org")
    assert user.name == "New Name" and [s.slug for s in user.studies] == ["alpha"]
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor) for e in events] == [
        ("staff.create", admin.email), ("staff.update", admin.email),
        ("staff.assign", admin.email)]
    assert events[2].study_id == study.id


def test_different_passwords_are_refused_on_the_form(client, db, login_as):
    login_as("admin")
    response = client.post("/admin/staff", data={
        "email": "new@example.org", "role": "coordinator", "password": PASSWORD,
        "confirm": PASSWORD + "x"})
    assert response.status_code == 200
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert _staff(db, "new@example.org") is None


@pytest.mark.parametrize("email, expected", [
    ("a" * 400 + "@example.org",
     "E-mail: is 412 characters long; an e-mail address has at most 254."),
    ("first,second@example.org",
     "E-mail: is not an e-mail address (write it like name@example.org)."),
    ("name@example", "E-mail: is not an e-mail address (write it like name@example.org)."),
])
def test_a_staff_email_too_long_or_malformed_is_refused_on_the_form(client, db, login_as,
                                                                    email, expected):
    admin = login_as("admin")
    password = "Quartz lantern orbit 1917"
    response = client.post("/admin/staff", data={
        "email": email, "role": "coordinator", "password": password, "confirm": password})

    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(db.select(StaffUser.email)).all() == [admin.email]


def test_a_staff_email_of_254_characters_is_accepted_on_the_form(client, db, login_as):
    login_as("admin")
    email = "b" * 242 + "@example.org"
    password = "Quartz lantern orbit 1917"
    response = client.post("/admin/staff", data={
        "email": email, "role": "coordinator", "password": password, "confirm": password})

    assert response.status_code == 302
    assert _staff(db, email).role is Role.COORDINATOR
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="staff.create"))
    assert event.target == email[:199] + "\u2026"  # the audit trail's column holds 200


def test_an_admin_cannot_disable_their_own_account(client, db, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/staff/{admin.id}", data={"name": "", "role": "admin"})
    assert "cannot remove your own administrator role or disable yourself" in \
        response.get_data(as_text=True)
    assert _staff(db, admin.email).is_enabled


def test_a_coordinator_sees_only_assigned_studies(client, db, login_as, make_study):
    mine = make_study(slug="mine")
    make_study(slug="theirs")
    login_as("coordinator", studies=[mine])
    page = client.get("/console/").get_data(as_text=True)
    assert "Study mine" in page
    assert "Study theirs" not in page
    assert client.get("/console/studies/theirs/setup").status_code == 404
