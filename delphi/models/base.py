"""Shared column helpers for the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    CursorResult,
    DateTime,
    Enum,
    Executable,
    String,
)

from delphi.extensions import db

if TYPE_CHECKING:
    import flask_sqlalchemy.model
    from sqlalchemy.orm import DeclarativeBase

    class Model(flask_sqlalchemy.model.Model, DeclarativeBase):
        """What ``db.Model`` is at run time: a type checker cannot follow a class made by a call."""

else:
    Model = db.Model  # the base class of every model


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo: every time in the database is naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


UTCDateTime = DateTime(timezone=False)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A string column holding an enum's values, checked by the database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def check(sql: str, name: str) -> CheckConstraint:
    return CheckConstraint(sql, name=name)


def string_length(column: ColumnElement[str]) -> int:
    """The length a String column was declared with, for text cut to fit it."""
    column_type = column.type
    assert isinstance(column_type, String) and column_type.length is not None
    return column_type.length


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session's transaction; how many rows it matched."""
    result = db.session.execute(statement)
    assert isinstance(result, CursorResult)  # what a data-changing statement gives
    return result.rowcount
