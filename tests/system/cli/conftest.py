"""Running the installed ``delphi`` command in a process of its own, against the test app's
database, as a user's shell or cron runs it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DELPHI = Path(sys.executable).with_name("delphi")  # the installed entry point


@pytest.fixture
def cli_instance(tmp_path) -> Path:
    """The instance folder the command uses (mail files, backups); a test module that needs the
    test app's own folder overrides this fixture."""
    return tmp_path / "instance"


@pytest.fixture
def delphi(app_config, db, tmp_path, cli_instance):
    """``delphi(*args)`` runs the command with the test app's database, secret key and address
    (so the links it writes are the ones the test app opens), mail written to files, and a
    shell's usual umask. The test's session is committed first, so the command sees what the
    test built, and expired after, so the test reads what the command wrote."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("DELPHI_", "DATABASE_", "MAIL_", "SECRET_KEY"))}
    env.update(DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
               DELPHI_INSTANCE=str(cli_instance), DELPHI_ENV="development",
               DELPHI_BASE_URL=app_config["BASE_URL"], SECRET_KEY=app_config["SECRET_KEY"],
               MAIL_HOST="")

    def run(*args: str) -> subprocess.CompletedProcess:
        db.session.commit()
        result = subprocess.run([str(DELPHI), *args], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=120, check=False, umask=0o022)
        assert "Traceback" not in result.stderr, result.stderr
        db.session.expire_all()
        return result

    run.env = env  # for a test that runs another installed command
    return run
