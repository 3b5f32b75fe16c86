"""Per-staff API tokens for the read-only JSON API.

A token is 256 random bits shown once when issued; the database keeps only its SHA-256, so a
stolen database does not give API access. Issuing a new token revokes the old one.
"""

from __future__ import annotations

import hashlib
import secrets

from delphi import audit
from delphi.extensions import db
from delphi.models import StaffUser

PREFIX = "delphi_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: StaffUser, *, by: StaffUser | None = None) -> str:
    """Give the staff member a new API token (returned once) and revoke any earlier one."""
    token = PREFIX + secrets.token_urlsafe(32)
    user.api_token_hash = _digest(token)
    audit.record("staff.api_token.issue", by=by, target=user.email)
    db.session.flush()
    return token


def revoke_api_token(user: StaffUser, *, by: StaffUser | None = None) -> bool:
    """Remove the staff member's API token; False if there was none."""
    if user.api_token_hash is None:
        return False
    user.api_token_hash = None
    audit.record("staff.api_token.revoke", by=by, target=user.email)
    db.session.flush()
    return True


def staff_for_token(token: str) -> StaffUser | None:
    """The enabled staff member holding ``token``, or None."""
    if not token:
        return None
    user = db.session.scalar(db.select(StaffUser).filter_by(api_token_hash=_digest(token)))
    return user if user is not None and user.is_enabled else None
