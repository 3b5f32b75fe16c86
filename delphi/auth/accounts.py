"""Staff account operations: create, change, assign to studies. Callers commit."""

from __future__ import annotations

import re
import secrets
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from delphi import audit
from delphi.auth.passwords import password_problem
from delphi.extensions import db
from delphi.models import Role, StaffUser, Study
from delphi.refusal import Refused
from delphi.validation import email_problem

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(Refused):
    """A staff account cannot be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str, *, email: str) -> None:
    """Refuse a password that is short, common, a pattern or holds the account's e-mail name."""
    problem = password_problem(password, email=email)
    if problem is not None:
        raise AccountError(problem)


def find_staff(email: str) -> StaffUser | None:
    return db.session.scalar(db.select(StaffUser).filter_by(email=normalise_email(email)))


def authenticate(email: str, password: str) -> StaffUser | None:
    """The enabled account with this e-mail and password, or None.

    Every attempt checks one password hash made the way real ones are, also for an e-mail no
    account has, so that how long a sign-in takes does not tell whether the account exists.
    """
    user = find_staff(email)
    if user is None:
        check_password_hash(
            _unknown_account_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
        )
        return None
    return user if user.check_password(password) and user.is_enabled else None


@cache
def _unknown_account_hash(method: str) -> str:
    """The hash of a random password, checked when no account has the e-mail tried."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def sign_out(user: StaffUser) -> None:
    """End the account's sessions: a copy of the session cookie kept elsewhere opens nothing."""
    user.end_sessions()
    db.session.flush()


def sign_out_everywhere(user: StaffUser) -> None:
    """End every session of the account, on every device, at the person's own request."""
    user.end_sessions()
    audit.record("staff.sign_out_everywhere", by=user, target=user.email)
    db.session.flush()


def create_staff(
    email: str, *, role: Role, password: str, name: str = "", by: StaffUser | None = None
) -> StaffUser:
    """Add a staff account with a hashed password."""
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise AccountError(f"E-mail: {problem}")
    if find_staff(email) is not None:
        raise AccountError(f"A staff account for {email} already exists.")
    check_password_strength(password, email=email)
    user = StaffUser(email=email, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("staff.create", by=by, target=email, after={"role": role.value, "name": user.name})
    return user


def update_staff(
    user: StaffUser,
    *,
    name: str,
    role: Role,
    enabled: bool,
    password: str | None = None,
    by: StaffUser | None = None,
) -> None:
    """Change a staff account's name, role, whether it may sign in, and optionally its password.

    A new password or role, or disabling the account, ends the account's sessions: they were
    opened with the old password, or with rights the account no longer has.
    """
    if by is not None and by.id == user.id and (role is not Role.ADMIN or not enabled):
        raise AccountError("You cannot remove your own administrator role or disable yourself.")
    before = {"name": user.name, "role": user.role.value, "enabled": user.is_enabled}
    user.name, user.role, user.is_enabled = name.strip(), role, enabled
    after = {"name": user.name, "role": user.role.value, "enabled": user.is_enabled}
    if password:
        check_password_strength(password, email=user.email)
        user.set_password(password)
        after["password"] = "changed"
    if password or after["role"] != before["role"] or not user.is_enabled:
        user.end_sessions()
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
