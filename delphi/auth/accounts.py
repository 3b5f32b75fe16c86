"""Staff account operations: create, change, assign to studies. Callers commit."""
from __future__ import annotations

import re

from delphi import audit
from delphi.extensions import db
from delphi.models import Role, StaffUser, Study
from delphi.validation import email_problem

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(Exception):
    """A staff account cannot be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def find_staff(email: str) -> StaffUser | None:
    return db.session.scalar(db.select(StaffUser).filter_by(email=normalise_email(email)))


def create_staff(email: str, *, role: Role, password: str, name: str = "",
                 by: StaffUser | None = None) -> StaffUser:
    """Add a staff account with a hashed password."""
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise AccountError(f"E-mail: {problem}")
    if find_staff(email) is not None:
        raise AccountError(f"A staff account for {email} already exists.")
    check_password_strength(password)
    user = StaffUser(email=email, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("staff.create", by=by, target=email,
                 after={"role": role.value, "name": user.name})
    return user


def update_staff(user: StaffUser, *, name: str, role: Role, enabled: bool,
                 password: str | None = None, by: StaffUser | None = None) -> None:
    """Change a staff account's name, role, whether it may sign in, and optionally its password."""
    if by is not None and by.id == user.id and (role is not Role.ADMIN or not enabled):
        raise AccountError("You cannot remove your own administrator role or disable yourself.")
    before = {"name": user.name, "role": user.role.value, "enabled": user.is_enabled}
    user.name, user.role, user.is_enabled = name.strip(), role, enabled
    after = {"name": user.name, "role": user.role.value, "enabled": user.is_enabled}
    if password:
        check_password_strength(password)
        user.set_password(password)
        after["password"] = "changed"
    audit.record("staff.update", by=by, target=user.email, before=before, after=after)
    db.session.flush()


def set_assignments(user: StaffUser, studies: list[Study], *, by: StaffUser | None = None) -> None:
    """Make ``studies`` exactly the studies the account is assigned to; audited per study."""
    current = {s.id: s for s in user.studies}
    wanted = {s.id: s for s in studies}
    for study_id, study in wanted.items():
        if study_id not in current:
            assign(user, study, by=by)
    for study_id, study in current.items():
        if study_id not in wanted:
            user.studies.remove(study)
            audit.record("staff.unassign", study=study, by=by, target=user.email)
    db.session.flush()


def assign(user: StaffUser, study: Study, *, by: StaffUser | None = None) -> bool:
    """Assign the account to a study; False when it already was."""
    if any(s.id == study.id for s in user.studies):
        return False
    user.studies.append(study)
    audit.record("staff.assign", study=study, by=by, target=user.email)
    db.session.flush()
    return True
