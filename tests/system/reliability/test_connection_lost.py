"""The database drops a request's connection after the response is ready (PostgreSQL restarted,
a file database closed): ending the request must discard the connection, not raise, so an
answered request is not turned into an error."""
from __future__ import annotations

import sqlalchemy as sa

from delphi.extensions import db


def _drop_the_connection(database_url: str) -> None:
    """Cut the session's open connection the way a server restart would."""
    if database_url.startswith("postgresql"):
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        killer = sa.create_engine(database_url)
        try:
            with killer.begin() as other:
                assert other.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            killer.dispose()
    else:
        db.session.scalar(sa.text("SELECT 1"))  # a transaction is open on a connection
        db.session.connection().connection.dbapi_connection.close()


def test_a_connection_dropped_before_the_request_ends_is_thrown_away(app, database_url):
    _drop_the_connection(database_url)
    app.do_teardown_appcontext(None)  # what Flask runs as each request ends: must not raise
    assert db.session.scalar(sa.text("SELECT 1")) == 1  # the next request gets a live connection
