"""Consent and background: the information sheet and consent statements a panellist agrees to
before answering, what they agreed to and when, and the background questions asked once after."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.models.base import Model, UTCDateTime, check, enum_column, utcnow

if TYPE_CHECKING:
    from delphi.models.panel import Panellist
    from delphi.models.study import Study


class WithdrawalRule(enum.Enum):
    """What happens to a panellist's answers when they withdraw consent (stated on the sheet)."""

    KEEP = "keep"  # kept under their pseudonym; name, e-mail and link stay on the staff side
    ERASE = "erase"  # their personal data, comments and open-round answers are erased


class ConsentEventKind(enum.Enum):
    CONSENTED = "consented"
    WITHDREW = "withdrew"


class QuestionKind(enum.Enum):
    SINGLE = "single"  # one of the choices
    MULTIPLE = "multiple"  # any of the choices
    NUMBER = "number"  # a whole number, optionally between min_value and max_value
    TEXT = "text"  # a short text


class ConsentVersion(Model):
    """One version of the information sheet and consent statements. A change once round 1 has
    opened (or once anyone consented) makes a new version; the earlier ones stay as agreed to."""

    __table_args__ = (
        UniqueConstraint("study_id", "number"),
        check("number >= 1", "consent_version_number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the study
    sheet: Mapped[str] = mapped_column(Text, default="")  # the information sheet, Markdown
    statements: Mapped[list] = mapped_column(JSON, default=list)  # each one a checkbox
    # Panellists who agreed to an earlier version must agree to this one before answering on.
    reconsent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[Study] = relationship()


class ConsentEvent(Model):
    """A panellist consented to a version, or withdrew: the time and the version, nothing else."""

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    panellist_id: Mapped[int] = mapped_column(
        ForeignKey("panellist.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("consent_version.id", ondelete="CASCADE"))
    kind: Mapped[ConsentEventKind] = mapped_column(
        enum_column(ConsentEventKind, "consent_event_kind")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panellist: Mapped[Panellist] = relationship()
    version: Mapped[ConsentVersion] = relationship()


class BackgroundQuestion(Model):
    """A question about who the panellist is (role, region, ...), asked once after consent."""

    __table_args__ = (
        UniqueConstraint("study_id", "code"),
        check(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
            "background_question_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    choices: Mapped[list] = mapped_column(JSON, default=list)  # single and multiple choice
    min_value: Mapped[int | None] = mapped_column(Integer)  # number questions
    max_value: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    study: Mapped[Study] = relationship()


class BackgroundAnswer(Model):
    """A panellist's answer to a background question; value None when an optional one was left
    blank (the row still records that the question was asked)."""

    __table_args__ = (UniqueConstraint("panellist_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panellist_id: Mapped[int] = mapped_column(
        ForeignKey("panellist.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("background_question.id", ondelete="CASCADE"), index=True
    )
    # A choice (text), the choices (a list of texts), a whole number, or a short text.
    value: Mapped[object | None] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[BackgroundQuestion] = relationship()
