"""``delphi backup``: a consistent copy of the database, taken while the app keeps running.

SQLite is copied with its online backup API, which reads one snapshot of the database even while
other processes write to it (the WAL journal lets writers carry on meanwhile). PostgreSQL is copied
by ``pg_dump`` in its custom format (restore it with ``pg_restore``), which dumps one snapshot of
the database; the password is passed in the environment, never on the command line where other
users of the machine could read it. The copy holds every panellist's address, so it is written
readable by its owner only, as is a backups folder it creates.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

from delphi.commands import CommandError
from delphi.instance import make_private_folder, open_private


class BackupError(Exception):
    """The backup could not be written; the message says why and what to do."""


def default_output(url: URL, instance: Path) -> Path:
    """``instance/backups/delphi-<UTC time>.<sqlite3|dump>``: sortable, never overwritten."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if url.get_backend_name() == "sqlite" else "dump"
    return instance / "backups" / f"delphi-{stamp}.{suffix}"


def backup(database_url: str, output: Path) -> Path:
    """Write a consistent copy of the database at ``database_url`` to ``output``."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(
            f"Cannot back up a {backend} database; Delphi supports SQLite and PostgreSQL."
        )
    make_private_folder(output.parent)
    try:  # created empty and owner-only first; the copy is written into it
        os.close(open_private(output, exclusive=True))
    except FileExistsError:
        raise BackupError(
            f"{output} already exists; choose another file (backups never overwrite one another)."
        ) from None
    try:
        if backend == "sqlite":
            _backup_sqlite(url, output)
        else:
            _backup_postgresql(url, output)
    except BaseException:
        output.unlink(missing_ok=True)  # no empty or partial file is left to pass for a backup
        raise
    return output


def _backup_sqlite(url: URL, output: Path) -> None:
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory; there is no file to back up.")
    source_path = Path(url.database)
    if not source_path.exists():
        raise BackupError(f"The database file {source_path} does not exist.")
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(output)
    try:
        # One step (pages=-1) copies a single snapshot; writers in WAL mode are not blocked.
        source.backup(target)
    except sqlite3.Error as error:
        target.close()
        raise BackupError(f"SQLite could not copy {source_path}: {error}") from error
    finally:
        source.close()
    target.close()


def postgresql_environment(url: URL) -> dict[str, str]:
    """The libpq environment variables that connect ``pg_dump``/``pg_restore`` to ``url``."""
    environment = dict(os.environ)
    for variable, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            environment[variable] = str(value)
    return environment


def _backup_postgresql(url: URL, output: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found; install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and run the backup again."
        )
    result = subprocess.run(
        [pg_dump, "--format=custom", "--no-password", f"--file={output}"],
        env=postgresql_environment(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip() or 'no message'}")


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the copy (default: instance/backups/delphi-<time>.*).",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Write a consistent copy of the database while the app keeps running."""
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    url = make_url(database_url)
    target = output or default_output(url, Path(current_app.instance_path))
    try:
        written = backup(database_url, target)
    except BackupError as error:
        raise CommandError(str(error)) from error
    restore = (
        "open it with sqlite3, or put it in place of the database file"
        if url.get_backend_name() == "sqlite"
        else "restore it with: pg_restore --no-owner --dbname=NEW_DATABASE FILE"
    )
    click.echo(f"Backed up the database to {written} ({written.stat().st_size} bytes); {restore}.")
