"""The instance folder and every file the app writes in it are readable by their owner only:
the database, its backups, messages holding personal links, and the secret key."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from delphi import create_app

ROOT = Path(__file__).resolve().parents[3]
DELPHI = Path(sys.executable).with_name("delphi")  # the installed entry point
DEMO = ROOT / "delphi" / "demo"  # a study file and a panel of 30


def _modes(folder: Path) -> dict[str, int]:
    """The permission bits of the folder and of everything under it, by relative path."""
    paths = [folder, *folder.rglob("*")]
    return {str(path.relative_to(folder)): stat.S_IMODE(path.stat().st_mode) for path in paths}


def _delphi(*args: str, env: dict) -> str:
    result = subprocess.run([str(DELPHI), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False, umask=0o022)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow  # runs the installed delphi command in subprocesses
def test_init_backup_and_mail_write_owner_only_files(app_config, db, tmp_path):
    instance = tmp_path / "instance"  # created by the first command, with a permissive umask
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    sqlite = sa.make_url(url).get_backend_name() == "sqlite"
    if sqlite:  # a database of its own, created in the instance folder as by default
        url = f"sqlite:///{instance / 'delphi.sqlite3'}"
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "MAIL_HOST", "DELPHI_ENV")}
    env.update(DATABASE_URL=url, DELPHI_INSTANCE=str(instance))

    assert "Database is up to date." in _delphi("init", env=env)
    _delphi("study", "import", str(DEMO / "cpi-guidance.toml"), env=env)
    _delphi("panel", "import", "cpi-guidance", str(DEMO / "panel.csv"), env=env)
    _delphi("round", "open", "cpi-guidance", env=env)
    assert "30 sent" in _delphi("mail", "send", env=env)
    assert "Backed up the database" in _delphi("backup", env=env)

    modes = _modes(instance)
    written = {name for name in modes if name.endswith(".eml")}
    backups = {name for name in modes if name.startswith("backups/")}
    assert len(written) == 30 and len(backups) == 1, sorted(modes)
    assert "secret_key" in modes
    if sqlite:
        assert "delphi.sqlite3" in modes
    folders = {name for name in modes if (instance / name).is_dir()}
    assert folders == {".", "mail", "backups"}
    assert {name: mode for name, mode in modes.items() if name in folders} == {
        name: 0o700 for name in folders}
    assert {name: mode for name, mode in modes.items() if name not in folders} == {
        name: 0o600 for name in modes if name not in folders}

    if sqlite:  # SQLite's journal files take the database file's mode
        connection = sqlite3.connect(instance / "delphi.sqlite3")
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("SELECT count(*) FROM study").fetchone()
            journals = {name: mode for name, mode in _modes(instance).items()
                        if name.startswith("delphi.sqlite3-")}
        finally:
            connection.close()
        assert journals == {"delphi.sqlite3-wal": 0o600, "delphi.sqlite3-shm": 0o600}


def test_an_instance_folder_open_to_others_is_made_private(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    database = instance / "delphi.sqlite3"
    database.touch()
    database.chmod(0o644)
    create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "not-a-real-key",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    assert _modes(instance) == {".": 0o700, "delphi.sqlite3": 0o600}
