"""Error pages: plain words, never a traceback.

An error page never needs the request's database session: when a request failed in the
database, its session may be unusable, and asking it who is signed in would fail again.
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from delphi.extensions import db, login_manager
from delphi.importing import MAX_FILE_BYTES

# The last resort, when even the plain error page cannot be drawn.
BARE_500 = (
    "<!doctype html><title>Something went wrong · Delphi</title><h1>Something went "
    "wrong</h1><p>The server could not finish this request, and nothing from it was "
    "saved. Please try again in a minute.</p>"
)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", error=error), error.code

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):
        # Drawn for a visitor: a signed-in page's header builds forms, and a form reads the
        # body this page refuses to read.
        g._login_user = login_manager.anonymous_user()
        error = RequestEntityTooLarge(
            f"What was sent is larger than {_megabytes(app.config['MAX_CONTENT_LENGTH'])} MB, the "
            "most this site accepts in one request, so none of it was read or saved. A file to "
            f"import may be at most {_megabytes(MAX_FILE_BYTES)} MB: split a larger one into "
            "several files."
        )
        return render_template("error.html", error=error), 413

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        # Anything not handled elsewhere (a bug, a value the database refused) ends here.
        _forget_the_session()
        try:
            return render_template(
                "error.html",
                error=InternalServerError(
                    "Something went wrong on the server, and nothing from this request was saved. "
                    "Please try again; if it happens again, tell the research team what you were "
                    "doing."
                ),
            ), 500
        except Exception:  # the page itself failed: say so without it
            current_app.logger.exception("the error page could not be drawn")
            return BARE_500, 500

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        _forget_the_session()
        app.logger.error("database unavailable: %s", error.orig.__class__.__name__)
        return render_template("error.html", error=None, unavailable=True), 503

    @app.errorhandler(IntegrityError)
    def conflict(error: IntegrityError):
        # Every import and form is checked before it writes, so a constraint refusing the write
        # means another request saved the same thing (a slug, an e-mail address, a rating) at
        # the same moment. The transaction is rolled back whole: nothing of this request stays.
        db.session.rollback()
        app.logger.warning("write refused by a constraint: %s", error.orig.__class__.__name__)
        return render_template("error.html", error=None, conflict=True), 409


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def _forget_the_session() -> None:
    """Roll back the request's transaction and draw the page as for a visitor: the layout asks
    who is signed in, and loading a staff member's account needs the database that just failed
    (or is down)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection itself is gone: the session's end throws it away
        current_app.logger.warning("rollback after an error failed")
    g._login_user = login_manager.anonymous_user()
