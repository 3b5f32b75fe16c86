"""The instance folder holds the database, its backups, messages with personal links and the
secret key: the folder and everything written in it are readable by the app's own user only."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def make_private_folder(path: Path) -> None:
    """Create ``path`` (and any missing parents) for the owner only."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def open_private(path: Path, *, exclusive: bool = False) -> int:
    """Open ``path`` for writing, owner-only, and return the descriptor; ``exclusive`` refuses
    an existing file (FileExistsError), otherwise an existing one is emptied and made private."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)  # an existing file keeps its mode through os.open
    return descriptor


def write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path``, owner-only."""
    with os.fdopen(open_private(path), "wb") as file:
        file.write(content)


def prepare(app: Flask) -> None:
    """Create the instance folder owner-only, or tighten a wider one, and create an SQLite
    database file owner-only before SQLite first opens it (its -wal and -shm files take the
    database file's mode)."""
    folder = Path(app.instance_path)
    make_private_folder(folder)
    _tighten(app, folder, FOLDER_MODE)
    database = _sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if database is None or not database.parent.is_dir():
        return
    try:
        os.close(open_private(database, exclusive=True))
    except FileExistsError:
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            if path.exists():
                _tighten(app, path, FILE_MODE)


def _sqlite_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if (
        url.get_backend_name() != "sqlite"
        or not url.database
        or url.database == ":memory:"
        or url.database.startswith("file:")
    ):
        return None
    return Path(url.database)


def _tighten(app: Flask, path: Path, mode: int) -> None:
    """Remove group and other permissions from ``path``; warn if that is not allowed."""
    current = path.stat().st_mode & 0o777
    if current & ~mode:
        try:
            path.chmod(current & mode)
        except OSError as error:
            app.logger.warning(
                "%s is readable by other users (mode %o) and could not be made private: %s",
                path,
                current,
                error,
            )
