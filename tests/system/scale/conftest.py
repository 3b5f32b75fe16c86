"""Real app servers for the scale tests: gunicorn processes on loopback sharing the test database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.mail import free_port

ROOT = Path(__file__).resolve().parents[3]


def _wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    raise RuntimeError(f"the app server on port {port} did not start:\n{log.read_text()}")


@pytest.fixture
def app_servers(app, app_config, tmp_path):
    """``app_servers(n)``: start n gunicorn servers (one worker each) on the test database.

    Each has its own instance folder and port, so they share nothing but the database and the
    secret key, as servers behind a load balancer would. Returns their base URLs; they are
    stopped when the test ends, before the tables are emptied.
    """
    started: list[subprocess.Popen] = []

    def start(count: int) -> list[str]:
        urls = []
        for k in range(count):
            port = free_port()
            log = tmp_path / f"server-{k}.log"
            env = dict(os.environ, DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
                       SECRET_KEY=app_config["SECRET_KEY"], DELPHI_ENV="development",
                       DELPHI_INSTANCE=str(tmp_path / f"instance-{k}"),
                       DELPHI_BASE_URL=f"http://127.0.0.1:{port}")
            with open(log, "wb") as output:
                server = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1",
                     "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                    cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
            started.append(server)
            _wait_until_up(server, port, log)
            urls.append(f"http://127.0.0.1:{port}")
        return urls

    yield start
    for server in started:
        server.terminate()
    for server in started:
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
