"""The background task queue (Huey): work too long for a request, such as building a large
report, is queued by the app and done by ``delphi worker``.

``DELPHI_TASK_QUEUE`` (``TASK_QUEUE``) says where the queue lives: empty (the default) for a
queue file in the instance folder, which the app and the worker share on one machine;
``redis://host:6379/0`` for a queue that app servers and workers on several machines share;
``immediate`` to run each task at once in the process that queues it (tests, never production).
A package declares its tasks with ``@background(name)``; each app gets its own queue, made on
first use, on which every declared task runs inside that app's context.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.storage import RedisStorage, SqliteStorage

from config import ConfigError
from delphi.extensions import db
from delphi.instance import open_private

QUEUE_FILE = "tasks.sqlite3"
IMMEDIATE = "immediate"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
EXTENSION = "delphi.tasks"

_declared: dict[str, Callable[..., None]] = {}
_making = threading.Lock()


def background(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare ``function`` a background task named ``name``, queued with ``enqueue(name, ...)``
    and run by the worker in an app context, its session committed at the end."""

    def declare(function: Callable[..., None]) -> Callable[..., None]:
        _declared[name] = function
        return function

    return declare


def setting_problem(value: str, *, production: bool) -> str | None:
    """What is wrong with a ``DELPHI_TASK_QUEUE`` value, in words; None when it can be used."""
    if value == "" or value.startswith(REDIS_SCHEMES):
        return None
    if value == IMMEDIATE:
        if production:
            return (
                "DELPHI_TASK_QUEUE=immediate builds reports inside the request, which a large "
                "study cannot wait for: in production leave it empty (a queue file in the "
                "instance folder) or set it to redis://host:6379/0."
            )
        return None
    return (
        f"DELPHI_TASK_QUEUE must be empty (a queue file in the instance folder), a Redis "
        f"address such as redis://host:6379/0, or immediate; not {value!r}."
    )


def init_app(app: Flask) -> None:
    """Check the ``TASK_QUEUE`` setting now, so a wrong one stops the app from starting; the
    queue itself is made on first use."""
    problem = setting_problem(
        app.config["TASK_QUEUE"], production=app.config["DELPHI_ENV"] == "production"
    )
    if problem:
        raise ConfigError(problem)


def describe(app: Flask) -> str:
    """Where the app's queue lives, in words, without a password."""
    value = app.config["TASK_QUEUE"]
    if value == IMMEDIATE:
        return "no queue: each task runs where it is queued"
    if value.startswith(REDIS_SCHEMES):
        return "the Redis queue named by DELPHI_TASK_QUEUE"
    return f"the queue file {Path(app.instance_path) / QUEUE_FILE}"


def queue(app: Flask | None = None) -> Huey:
    """The app's queue, with every declared task registered on it."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with _making:
        if EXTENSION not in app.extensions:
            huey = _make_queue(app)
            app.extensions[EXTENSION] = (
                huey,
                {name: huey.task(name=name)(_in_app(app, f)) for name, f in _declared.items()},
            )
    return app.extensions[EXTENSION][0]


def enqueue(name: str, *args: Any) -> None:
    """Queue the declared task ``name`` with ``args`` (run at once in immediate mode)."""
    queue()
    current_app.extensions[EXTENSION][1][name](*args)


def stored_keys(prefix: str) -> list[str]:
    """The keys of the queue's storage that start with ``prefix``, read without their values
    (which may be large files)."""
    storage = queue().storage
    if isinstance(storage, SqliteStorage):
        rows = storage.sql(
            "select key from kv where queue = ? and substr(key, 1, ?) = ?",
            (storage.name, len(prefix), prefix),
            results=True,
        )
        return [key for (key,) in rows]
    if isinstance(storage, RedisStorage):
        keys = (key.decode() for key in storage.conn.hkeys(storage.result_key))
    else:
        keys = iter(storage.result_items())
    return [key for key in keys if key.startswith(prefix)]


def _make_queue(app: Flask) -> Huey:
    value = app.config["TASK_QUEUE"]
    if value == IMMEDIATE:
        return MemoryHuey("delphi", immediate=True, results=False)
    if value.startswith(REDIS_SCHEMES):
        try:
            return RedisHuey("delphi", url=value, results=False)
        except ImportError as error:  # RedisStorage needs the redis package
            raise ConfigError(
                "DELPHI_TASK_QUEUE names Redis, but the redis package is not installed: "
                "pip install 'delphi[redis]'."
            ) from error
    path = Path(app.instance_path) / QUEUE_FILE
    try:  # owner-only before SQLite first opens it; its -wal and -shm files take its mode
        descriptor = open_private(path, exclusive=True)
    except FileExistsError:
        path.chmod(0o600)
    else:
        os.close(descriptor)
    return SqliteHuey("delphi", filename=str(path), results=False)


def _in_app(app: Flask, function: Callable[..., None]) -> Callable[..., None]:
    """``function`` run in a fresh app context of ``app``: its own database session, committed
    when it returns and rolled back if it raises."""

    def run(*args: Any) -> None:
        with app.app_context():
            try:
                function(*args)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise

    run.__name__ = function.__name__
    run.__module__ = function.__module__
    return run
