"""Staff accounts of the research team."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from delphi.models.base import Model, UTCDateTime, enum_column, utcnow
from delphi.models.study import study_staff

if TYPE_CHECKING:
    from delphi.models.study import Study


class Role(enum.Enum):
    ADMIN = "admin"  # staff accounts and every study
    COORDINATOR = "coordinator"  # the studies they are assigned to


class StaffUser(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"), default=Role.COORDINATOR)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # SHA-256 of the staff member's API token for the read-only JSON API; None: no token.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's user id (see get_id); raising it ends every session signed in
    # before: signing out, a new password or role, "sign out everywhere".
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    studies: Mapped[list[Study]] = relationship(secondary=study_staff, back_populates="staff")

    def set_password(self, password: str) -> None:
        method = (
            current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            if has_app_context()
            else "scrypt"
        )
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login: what the session and remember-me cookies hold
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session cookie issued so far useless (sessions are stateless cookies)."""
        self.session_version += 1

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_access(self, study: Study) -> bool:
        return self.is_admin or any(s.id == study.id for s in self.studies)

    def __repr__(self) -> str:
        return f"<StaffUser {self.email}>"
