"""Building a test's starting data once per test process and handing each later test a copy.

For fixtures that many tests share and only read or change within the test (the access
matrices): ``built_once(name, build, tmp_path_factory)`` runs ``build()`` the first time on each database and
keeps what it returned (plain values: ids, tokens), the rows it left and the instance folder's
files; every later call puts those rows and files back into the emptied database and folder
and returns the same values. Each test still starts from exactly the state ``build`` made.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import current_app

from delphi.extensions import db
from tests.support.database import copy_rows, put_rows

T = TypeVar("T")

_built: dict[tuple[str, str], tuple[dict[str, list[dict]], Path, object]] = {}


def built_once(name: str, build: Callable[[], T], tmp_path_factory) -> T:
    """``build()``'s result; its rows and instance files, restored from a copy after the first
    call on this database. ``build`` must commit and return only plain values."""
    instance = Path(current_app.instance_path)
    key = (name, current_app.config["SQLALCHEMY_DATABASE_URI"])
    if key in _built:
        rows, files, result = _built[key]
        put_rows(db.engine, rows)
        shutil.copytree(files, instance, dirs_exist_ok=True)
        return result  # type: ignore[return-value]
    result = build()
    files = tmp_path_factory.mktemp(f"{name}-files")
    if instance.is_dir():
        shutil.copytree(instance, files, dirs_exist_ok=True)
    _built[key] = copy_rows(db.engine), files, result
    return result
