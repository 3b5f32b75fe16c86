"""Error pages: plain words, never a traceback."""
from __future__ import annotations

from flask import Flask, g, render_template
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from delphi.extensions import db, login_manager


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", error=error), error.code

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        app.logger.error("database unavailable: %s", error.orig.__class__.__name__)
        # The page must not need the database: the layout asks who is signed in, and loading a
        # staff member's account would fail again (a 500) while the database is down.
        g._login_user = login_manager.anonymous_user()
        return render_template("error.html", error=None, unavailable=True), 503

    @app.errorhandler(IntegrityError)
    def conflict(error: IntegrityError):
        # Every import and form is checked before it writes, so a constraint refusing the write
        # means another request saved the same thing (a slug, an e-mail address, a rating) at
        # the same moment. The transaction is rolled back whole: nothing of this request stays.
        db.session.rollback()
        app.logger.warning("write refused by a constraint: %s", error.orig.__class__.__name__)
        return render_template("error.html", error=None, conflict=True), 409
