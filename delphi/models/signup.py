"""Open sign-up: people who asked to join a study's panel through its public page and have not
yet become panellists (waiting to confirm their e-mail address, or for the team's review)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.models.base import Model, UTCDateTime, enum_column, utcnow
from delphi.models.consent import ConsentVersion


class SignupState(enum.Enum):
    """Whether a study's public sign-up page exists and takes sign-ups."""

    OFF = "off"  # no page: its address is a 404
    OPEN = "open"  # people can sign up
    CLOSED = "closed"  # the page says sign-up has closed


class JoinedBy(enum.Enum):
    """How a panellist joined the panel."""

    IMPORT = "import"  # a panel CSV file, from the console or the command line
    CONSOLE = "console"  # added one at a time on the Panel page
    SIGNUP = "signup"  # the study's public sign-up page


class SignupStatus(enum.Enum):
    UNCONFIRMED = "unconfirmed"  # the confirmation e-mail is out; deleted when it expires
    AWAITING_REVIEW = "awaiting_review"  # confirmed; the team accepts or declines


class Signup(Model):
    """One person's sign-up. Eligibility answers are checked, never stored; the sign-up is
    deleted when it becomes a panellist, is declined, or expires unconfirmed."""

    __table_args__ = (UniqueConstraint("study_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))  # lower-case
    group: Mapped[str] = mapped_column(String(100))  # one of the study's stakeholder groups
    status: Mapped[SignupStatus] = mapped_column(
        enum_column(SignupStatus, "signup_status"), default=SignupStatus.UNCONFIRMED
    )
    # The consent version agreed to on the sign-up page; recorded in the consent log when the
    # person becomes a panellist.
    consent_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_version.id", ondelete="SET NULL")
    )
    # Random nonce from which the confirmation link is derived with the app's secret (as a
    # personal link is); None once confirmed, so a link works once.
    token_nonce: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 of the confirmation token: how a confirmation link finds its sign-up.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # if unconfirmed
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consent_version: Mapped[ConsentVersion | None] = relationship()
