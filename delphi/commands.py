"""What every ``delphi`` command shares: its error, its transaction and its look-ups (a study
by slug, its latest round, a staff account by e-mail).

A leaf: it imports only the models and extensions, so any package's ``cli.py`` can use it
without importing another package's commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from delphi.extensions import db
from delphi.models import Round, StaffUser, Study
from delphi.refusal import Refused

# An existing, readable file given as an argument (a study file, a panel, items, responses).
FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


class CommandError(click.ClickException):
    """A command failed for a reason the user can act on; printed without a traceback."""


@contextmanager
def one_transaction(*refusals: type[Exception]) -> Iterator[None]:
    """Commit once when the command's work succeeds.

    An operation's refusal (``Refused``, or one of ``refusals``) rolls everything back, is
    printed plainly and exits with 1; so does a write a database constraint refuses because
    another change saved the same thing (a slug, an e-mail address) after the command checked
    its input, or a database that is busy or unreachable.
    """
    refused: tuple[type[Exception], ...] = (Refused, *refusals)
    try:
        yield
        db.session.commit()
    except refused as error:
        db.session.rollback()
        raise CommandError(str(error)) from error
    except IntegrityError as error:
        db.session.rollback()
        raise CommandError(
            "Another change saved the same thing at the same moment (the database refused: "
            f"{_database_says(error)}). Nothing was written; run the command again."
        ) from error
    except OperationalError as error:
        db.session.rollback()
        raise CommandError(
            f"The database could not complete the change ({_database_says(error)}). Nothing was "
            "written; run the command again once it is reachable."
        ) from error


def _database_says(error: IntegrityError | OperationalError) -> str:
    """The database's own words, on one line, without the statement."""
    return " ".join(str(error.orig).split())[:300]


def warn_if_base_url_unset(base: str) -> None:
    """Printed personal links need the address panellists reach the app at: without
    DELPHI_BASE_URL a command can only guess it (``base``), so it says so on stderr, in one line."""
    if not current_app.config.get("BASE_URL"):
        click.echo(
            f"Warning: DELPHI_BASE_URL is not set, so these links start with {base}; set it to "
            "the address panellists reach the app at.",
            err=True,
        )


def study_by_slug(slug: str) -> Study:
    """The study with this slug, or a command error listing the slugs that exist."""
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    if study is None:
        known = db.session.scalars(db.select(Study.slug).order_by(Study.slug)).all()
        hint = f"; the studies are: {', '.join(known)}" if known else "; there are no studies yet"
        raise CommandError(f"No study has the slug {slug!r}{hint}.")
    return study


def latest_round(study: Study) -> Round:
    """The study's latest round, whatever its state, or a command error if none was opened."""
    if not study.rounds:
        raise CommandError(f"No round of {study.slug} has been opened yet (delphi round open).")
    return study.rounds[-1]


def staff_by_email(email: str) -> StaffUser:
    """The staff account with this e-mail address (any case), or a command error."""
    user = db.session.scalar(
        db.select(StaffUser).filter(db.func.lower(StaffUser.email) == email.strip().lower())
    )
    if user is None:
        raise CommandError(f"No staff account has the e-mail {email}.")
    return user
