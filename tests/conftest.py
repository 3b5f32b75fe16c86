"""Fixtures shared by every test: app -> db -> client/runner -> factories.

Every test runs on SQLite and, when DELPHI_TEST_DATABASE_URL names a PostgreSQL database, on
PostgreSQL too. The schema is built once per backend by the Alembic migrations; after each test
the tables are emptied.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from delphi import create_app
from delphi.extensions import db as _db
from delphi.models import (Item, Panellist, Response, ResponseStatus, Section, StaffUser, Study,
                           utcnow)
from delphi.panel.tokens import issue_token
from delphi.rounds.answers import Answer, response_for, save_answers
from tests.support.database import empty_tables
from tests.support.limiter import fresh_limiter

# Fixtures several folders share (files, the CLI, row counts, the study file, an SMTP server).
pytest_plugins = ["tests.support.fixtures"]

PG_URL_VARIABLE = "DELPHI_TEST_DATABASE_URL"


def _base_config(url: str, instance) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://delphi.test",
        "SERVER_NAME": None,
        # Cheap hashing keeps staff fixtures fast; production uses werkzeug's scrypt default.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Reports are built where they are queued (Huey's immediate mode), no worker needed.
        "TASK_QUEUE": "immediate",
    }


def _worker_database(url: str) -> str:
    """The PostgreSQL database of this test process: ``url`` itself, or under pytest-xdist
    (``make test`` runs the tests in several processes) ``<name>_<worker>`` beside it, created
    through the server's maintenance database when missing (the role needs CREATEDB)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    server = sa.make_url(url)
    name = f"{server.database}_{worker}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": name}) is None:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _reset_postgresql(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


# Each backend's database is built once per process and kept here. pytest sets a session
# fixture up again whenever the backend changes from one test to the next, which under
# ``--dist loadfile`` happens in every file, so the second time costs nothing.
_databases: dict[str, str] = {}
_instance_paths: dict[str, Path] = {}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database for the session, one per backend."""
    if request.param in _databases:
        return _databases[request.param]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    else:
        url = os.environ.get(PG_URL_VARIABLE)
        if not url:
            pytest.skip(f"PostgreSQL tests need {PG_URL_VARIABLE} (set by .ci/run)")
        url = _worker_database(url)
        _reset_postgresql(url)
    app = create_app(_base_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    _databases[request.param] = url
    return url


@pytest.fixture(scope="session")
def instance_path(database_url, tmp_path_factory):
    """The instance folder of the session's apps; emptied after every test."""
    if database_url not in _instance_paths:
        _instance_paths[database_url] = tmp_path_factory.mktemp("instance")
    return _instance_paths[database_url]


@pytest.fixture
def app_config(database_url, instance_path) -> dict:
    """Settings for the test app; a test may change them before asking for ``app``."""
    return _base_config(database_url, instance_path)


# Building an app compiles every URL rule (about a second here), so apps are built once per
# distinct configuration and reused; each test gets a fresh app context, its own copy of the
# configuration, empty tables and an empty instance folder.
_apps: dict[str, object] = {}


@pytest.fixture
def app(app_config):
    key = json.dumps(app_config, sort_keys=True, default=str)
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = create_app(app_config)
    saved_config = dict(app.config)
    fresh_limiter(app)
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            empty_tables(_db.engine)
            _db.engine.dispose()
            app.config.clear()
            app.config.update(saved_config)
            _empty_folder(app.config["INSTANCE_PATH"])


def _empty_folder(path: str) -> None:
    if os.path.isdir(path):
        for entry in os.scandir(path):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(db):
    """Count SQL statements run inside a ``with count_queries() as counter:`` block.

    The same counter ``make bench`` uses for its statements-per-page figures.
    """
    from tests.support.statements import counting

    return counting


# Factories ---------------------------------------------------------------------------------


@pytest.fixture
def make_study(db):
    """Build a study with ``sections`` sections of ``items_per_section`` items (flushed)."""

    def make(slug="test-study", sections=2, items_per_section=3, **settings) -> Study:
        study = Study(slug=slug, title=f"Study {slug}", description="A test study.",
                      contact="research.team@example.org",
                      scale_labels={"1": "Not important", "9": "Critical"}, **settings)
        db.session.add(study)
        for s in range(1, sections + 1):
            section = Section(study=study, code=f"S{s}", title=f"Section {s}", position=s)
            db.session.add(section)
            for i in range(1, items_per_section + 1):
                db.session.add(Item(study=study, section=section, code=f"S{s}.{i}",
                                    text=f"Guidance item {s}.{i}.", position=i))
        db.session.flush()
        return study

    return make


@pytest.fixture
def make_panel(db):
    """Add ``n`` panellists to a study, groups assigned in turn; returns them (flushed)."""

    def make(study: Study, n=6, groups=("Social workers", "People who use services")):
        panellists = []
        start = len(db.session.scalars(sa.select(Panellist.id).filter_by(study_id=study.id)).all())
        for k in range(start + 1, start + n + 1):
            p = Panellist(study=study, pseudonym=f"P{k:03d}", name=f"Panellist {k}",
                          email=f"panellist{k}@example.org", group=groups[(k - 1) % len(groups)])
            issue_token(p)
            db.session.add(p)
            panellists.append(p)
        db.session.flush()
        return panellists

    return make


@pytest.fixture
def submit(db):
    """Submit a panellist's ratings for a round: ``{item code: value | "U" | None}``."""

    def do(round_, panellist, ratings: dict, comments: dict | None = None):
        by_code = {ri.code: ri for ri in round_.round_items}
        answers = []
        for code, value in ratings.items():
            comment = (comments or {}).get(code)
            if value == "U":
                answers.append(Answer(by_code[code].id, unable=True, comment=comment))
            else:
                answers.append(Answer(by_code[code].id, value=value, comment=comment))
        return save_answers(response_for(round_, panellist), answers, submit=True)

    return do


@pytest.fixture
def make_staff(db):
    def make(email="admin@example.org", role="admin", password="correct horse battery staple",
             studies=()):
        from delphi.models import Role

        user = StaffUser(email=email, name=email.split("@")[0], role=Role(role))
        user.set_password(password)
        user.studies.extend(studies)
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def login_as(client, make_staff):
    """Sign the test client in as a new staff member: ``login_as("coordinator", studies=[s])``."""

    def login(role="admin", studies=(), email=None):
        user = make_staff(email=email or f"{role}-{len(studies)}@example.org", role=role,
                          studies=studies)
        _db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return login


def days_from_now(days: int):
    return utcnow() + timedelta(days=days)


__all__ = ["Response", "ResponseStatus", "days_from_now"]


# Whole folders of slow tests: a browser (system/browser/), the installed delphi command run
# in subprocesses (system/cli/), several gunicorn servers (system/scale/). Slow modules and
# tests elsewhere carry their own pytest.mark.slow. `make check` leaves them out (-m "not slow"); `make test` and CI
# run everything.
SLOW_FOLDERS = ("system/browser", "system/cli", "system/scale")


# Under pytest-xdist (``make test``: ``-n 4 --dist loadfile --no-loadscope-reorder``) each file
# goes whole to one process, in the order collected, each process taking the next file when it
# is done. So the slow files are put first (these folders, then any other file holding a slow
# test): the processes start on the long ones and share out the short ones at the end, rather
# than a long file starting last. The order within each part is pytest's own.
SLOWEST_FIRST = ("system/reliability", "system/browser", "system/scale", "system/cli")


def pytest_itemcollected(item):
    """Mark the slow folders' tests as each is collected: ``-m "not slow"`` chooses before the
    last hook below runs, so a mark added there would come too late to leave them out."""
    tests = Path(__file__).parent
    if any(item.path.is_relative_to(tests / folder) for folder in SLOW_FOLDERS):
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by backend
def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).parent
    for item in items:
        if os.environ.get("PYTEST_XDIST_WORKER") and item.get_closest_marker("alone"):
            item.add_marker(pytest.mark.skip(
                reason="stops a server the tests beside it use, so it runs alone: "
                       "`make test` runs it after the parallel run (pytest -m alone)"))

    slow_files = {item.path for item in items if item.get_closest_marker("slow")}

    def rank(item) -> int:
        for position, folder in enumerate(SLOWEST_FIRST):
            if item.path.is_relative_to(tests / folder):
                return position
        return len(SLOWEST_FIRST) + (item.path not in slow_files)

    items.sort(key=rank)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With DELPHI_REQUIRE_ALL set (CI), a skipped test is a failed test."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("DELPHI_REQUIRE_ALL") and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped, but CI must run everything: {report.longrepr}"


@pytest.fixture(autouse=True)
def collector_left_on():
    """No test leaves Python's garbage collector off for the tests after it."""
    yield
    assert gc.isenabled(), "the test left the cyclic garbage collector off"
