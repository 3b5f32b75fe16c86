"""Delphi: run multi-round expert consensus studies."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import config as delphi_config
from delphi import downloads, formatting, markdown, tasks
from delphi.extensions import compress, csrf, db, limiter, login_manager, migrate
from delphi.instance import prepare as prepare_instance

# The package's own folder: its templates, static files and migrations are shipped inside it.
PACKAGE = Path(__file__).resolve().parent
HSTS_SECONDS = 365 * 24 * 60 * 60


def create_app(overrides: dict | None = None) -> Flask:
    """Create the application; ``overrides`` replace settings read from the environment."""
    app = Flask(
        __name__,
        template_folder=str(PACKAGE / "templates"),
        static_folder=str(PACKAGE / "static"),
        instance_path=str(delphi_config.load(overrides)["INSTANCE_PATH"]),
    )
    app.config.update(delphi_config.load(overrides))
    prepare_instance(app)  # owner-only folder and database file, before anything is written
    app.url_map.converters["int"] = StoredIdConverter  # before any rule is added
    refuse_large_requests(app)  # before any other check can read the body
    register_extensions(app)
    register_blueprints(app)
    formatting.register(app)  # how every template writes a statistic
    downloads.register(app)  # every CSV served starts with a byte-order mark, for Excel
    markdown.register(app)  # staff-written Markdown, sanitised, in every template
    register_errorhandlers(app)
    register_commands(app)
    register_security_headers(app)
    keep_private_pages_out_of_caches(app)
    trust_proxies(app)
    return app


class StoredIdConverter(IntegerConverter):
    """``<int:...>`` in every URL: a whole number the database can hold. Ids and round numbers
    are INTEGER columns, so at most 2^31 - 1 on PostgreSQL; a larger number matches no route
    (a 404) instead of failing in the database (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def refuse_large_requests(app: Flask) -> None:
    """A request whose Content-Length is over ``MAX_CONTENT_LENGTH`` is refused (413) before
    anything reads its body, whatever the route would do with it."""

    @app.before_request
    def refuse_when_too_large():
        limit = app.config["MAX_CONTENT_LENGTH"]
        if limit is not None and (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()


def register_extensions(app: Flask) -> None:
    import delphi.models  # the models' tables must be known to Alembic

    db.init_app(app)
    app.teardown_appcontext(_end_session)  # runs before Flask-SQLAlchemy's own teardown
    migrate.init_app(
        app, db, directory=str(PACKAGE / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    import delphi.auth.access  # noqa: F401  (registers the staff user loader)

    limiter.init_app(app)
    tasks.init_app(app)
    if app.config["COMPRESS_RESPONSES"]:
        compress.init_app(app)


def _end_session(error: BaseException | None) -> None:
    """Close the request's session. If the database dropped the connection meanwhile (it was
    restarted after the response was ready), the rollback that closing sends fails: throw the
    connection away instead of turning an answered request into an error."""
    try:
        db.session.remove()
    except DBAPIError as lost:
        current_app.logger.warning(
            "database connection lost at the end of a request: %s", type(lost.orig).__name__
        )
        db.session().invalidate()  # the scoped session itself has no invalidate()
        db.session.remove()


def register_blueprints(app: Flask) -> None:
    from delphi.audit.blueprint import blueprint as audit
    from delphi.auth.blueprint import blueprint as auth
    from delphi.consent.blueprint import blueprint as consent
    from delphi.console.blueprint import blueprint as console
    from delphi.home import blueprint as home
    from delphi.mail.blueprint import blueprint as mail
    from delphi.panel.blueprint import blueprint as panel
    from delphi.questionnaire.blueprint import blueprint as questionnaire
    from delphi.questionnaire.blueprint import preview_blueprint as preview
    from delphi.reports.blueprint import api_blueprint as api
    from delphi.reports.blueprint import blueprint as reports
    from delphi.rounds.blueprint import blueprint as rounds
    from delphi.signup.blueprint import blueprint as signup
    from delphi.studies.blueprint import blueprint as studies

    app.register_blueprint(home)
    app.register_blueprint(auth)
    app.register_blueprint(console)
    app.register_blueprint(studies)
    app.register_blueprint(panel)
    app.register_blueprint(consent)
    app.register_blueprint(signup)
    app.register_blueprint(mail)
    app.register_blueprint(audit)
    app.register_blueprint(questionnaire)
    app.register_blueprint(preview)
    app.register_blueprint(rounds)
    app.register_blueprint(reports)
    app.register_blueprint(api)
    csrf.exempt(api)  # bearer tokens only, never cookies or the session: nothing to forge


def register_errorhandlers(app: Flask) -> None:
    from delphi.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    """Headers on every response: no inline script, no framing, no referrer, no sniffing; in
    production, HTTPS only (HSTS)."""
    production = app.config["DELPHI_ENV"] == "production"

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if production:  # browsers then refuse plain HTTP to this host for a year
            response.headers["Strict-Transport-Security"] = (
                f"max-age={HSTS_SECONDS}; includeSubDomains"
            )
        return response


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` proxies, take the client's address and scheme from the
    X-Forwarded-For and X-Forwarded-Proto headers they add (the address is what rate limits
    count by). With none, those headers are ignored: any client could write them."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # Flask's documented way to wrap the app in WSGI middleware; its type hints see a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def keep_private_pages_out_of_caches(app: Flask) -> None:
    """``Cache-Control: no-store`` on every page that may show a personal link or a panellist's
    answers, so no browser or proxy keeps a copy: every questionnaire page (``/p/...``), every
    response to signed-in staff (the panel's links, exports) and to an API token. Static files
    hold nothing personal and stay cacheable."""

    @app.after_request
    def no_store(response):
        if request.endpoint != "static" and (
            request.path.startswith("/p/")
            or "_user_id" in session
            or "Authorization" in request.headers
        ):
            response.headers["Cache-Control"] = "no-store"
        return response


def register_commands(app: Flask) -> None:
    from delphi.cli import delphi_group

    app.cli.add_command(delphi_group)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL journal and a busy timeout for every SQLite connection."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_write_lock_first(conn) -> None:
    """On SQLite, a request that writes (any method but GET/HEAD/OPTIONS) and a command take the
    write lock when their transaction begins, so concurrent writers queue (busy timeout) rather
    than each reading a row as absent and one failing on insert.

    Python's sqlite3 reads outside a transaction and begins one only at the first write, so two
    saves of the same answers at once (a double click, two tabs) both saw no rating and the
    second broke the unique constraint; and a round closed from the command line could miss a
    submission committed between its reads and its writes.
    """
    if conn.dialect.name != "sqlite":
        return
    import click
    from flask import has_request_context, request

    if has_request_context():
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
    else:
        writes = click.get_current_context(silent=True) is not None
    if writes:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
