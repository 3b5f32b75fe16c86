"""The real stack for the heavy tests: a database of its own, a study built in bulk, and gunicorn
with two workers serving the app on loopback, as in production.

The PostgreSQL database is a new one next to ``DELPHI_TEST_DATABASE_URL`` (created and dropped
here), so the heavy tests never disturb the database the other tests share. The study reuses the
benchmark's bulk builders (``tests/support/data.py``): round 1 rated by every panellist and
closed, round 2 open, so staff have a report to export while the panel answers round 2.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Panellist, Role, StaffUser
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from tests.support import data

ROOT = Path(__file__).resolve().parents[3]
SECRET_KEY = "stack-test-secret-key-not-for-production"
STAFF_EMAIL = "coordinator@example.org"
STAFF_PASSWORD = "a long stack-test password"
PG_URL_VARIABLE = "DELPHI_TEST_DATABASE_URL"
HEAVY = bool(os.environ.get("DELPHI_HEAVY"))
RESULTS_VARIABLE = "DELPHI_VERIFY_RESULTS"  # a folder: each heavy test writes its figures there


@dataclass
class Built:
    """What the load needs to know about the study it runs against."""

    url: str
    slug: str
    tokens: list[str]
    panellist_ids: list[int]  # in the order of ``tokens``
    items: int


@contextmanager
def stack_database(backend: str, workdir: Path) -> Iterator[str | None]:
    """``None`` for a new SQLite file, or the URL of a new PostgreSQL database, dropped after."""
    if backend == "sqlite":
        yield None
        return
    base = os.environ.get(PG_URL_VARIABLE)
    if not base:
        import pytest

        pytest.skip(f"the PostgreSQL stack needs {PG_URL_VARIABLE} (set by .ci/run)")
    server = sa.make_url(base)
    name = f"{server.database}_stack_{secrets.token_hex(3)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        for _ in range(30):  # PostgreSQL may still be restarting after a fault test
            try:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except sa.exc.OperationalError:
                time.sleep(1)
        admin.dispose()


def build(url: str | None, workdir: Path, *, panellists: int, items: int,
          sections: int = 3) -> Built:
    """Round 1 rated by every panellist and closed; round 2 open with every item; a coordinator."""
    url = data.fresh_database(url, workdir, "stack")
    app = data.bench_app(url, workdir / "build-instance")
    with app.app_context():
        study = data.make_study("stack", items, sections=sections)
        panel = data.add_panel(study, panellists)
        round_one = data.open_round_one(study)
        data.submit_all(round_one, panel, data.random_ratings(panellists, items, (1, 9), 0.05,
                                                              centres=(4.5, 5.5)),
                        comment_every=7)
        close_round(round_one)
        launch_next_round(study)
        staff = StaffUser(email=STAFF_EMAIL, name="Coordinator", role=Role.COORDINATOR)
        staff.set_password(STAFF_PASSWORD)
        staff.studies.append(study)
        db.session.add(staff)
        db.session.commit()
        tokens = [token_for(db.session.get(Panellist, pid)) for pid in panel]
        db.session.remove()
        db.engine.dispose()
    return Built(url=url, slug="stack", tokens=tokens, panellist_ids=list(panel), items=items)


def app_for(url: str, workdir: Path):
    """An app on the stack's database, for checking what the server stored."""
    from delphi import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY,
                       "INSTANCE_PATH": str(workdir / "check-instance"),
                       "RATELIMIT_ENABLED": False})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the repository's settings (``gunicorn.conf.py``) and two workers."""

    def __init__(self, url: str, workdir: Path, *, workers: int = 2, env: dict | None = None):
        self.url, self.workdir, self.workers = url, workdir, workers
        self.port = free_port()
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = dict(os.environ, DATABASE_URL=self.url, SECRET_KEY=SECRET_KEY,
                   DELPHI_INSTANCE=str(self.workdir / "instance"), DELPHI_BASE_URL=self.base,
                   **self.extra_env)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
             "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--backlog", "1024", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_until_up()
        return self

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return
            except OSError:
                if self.process is not None and self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}:\n{self.log_text()}")

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (children of the gunicorn master)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def workers_connected(self) -> bool:
        """Whether a worker holds a client's connection now (Linux's /proc): killed at such a
        moment, it cuts that request off."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == self.port and fields[3] == "01":  # ESTABLISHED
                    inodes.add(fields[9])
        for pid in self.worker_pids():
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:  # the worker ended meanwhile
                continue
            if any(link[len("socket:["):-1] in inodes for link in links
                   if link.startswith("socket:[")):
                return True
        return False

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def start_panellists(server: Server, built: Built, workdir: Path, *, count: int,
                     staff: int = 2, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, Path]:
    """Start the simulated panel in its own process against ``server``."""
    tokens_file = workdir / f"tokens-{secrets.token_hex(3)}.json"
    tokens_file.write_text(json.dumps(built.tokens[:count]))
    out = workdir / f"panel-{secrets.token_hex(3)}.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.system.reliability.simulate", "--port", str(server.port),
         "--tokens", str(tokens_file), "--slug", built.slug, "--staff", str(staff),
         "--staff-email", STAFF_EMAIL, "--staff-password", STAFF_PASSWORD,
         "--output", str(out), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, out


def finish_panellists(process: subprocess.Popen, out: Path, timeout: float = 600) -> dict:
    """Wait for the simulated panel; its JSON report."""
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise RuntimeError(f"the simulated panel ran over {timeout} s:\n{output}") from None
    if process.returncode != 0:
        raise RuntimeError(f"the simulated panel failed:\n{output}")
    return json.loads(out.read_text())


def run_panellists(server: Server, built: Built, workdir: Path, *, count: int,
                   staff: int = 2, extra: tuple[str, ...] = (), timeout: float = 600) -> dict:
    """Run the simulated panel against ``server`` until it has finished; its JSON report."""
    process, out = start_panellists(server, built, workdir, count=count, staff=staff,
                                    extra=extra)
    return finish_panellists(process, out, timeout)


def wait_for_log(server: Server, fragment: str, count: int = 1, seconds: float = 120) -> None:
    """Wait until the access log shows ``fragment`` at least ``count`` times."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.log_text().count(fragment) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{fragment!r} did not appear {count} times in the access log")


STORED = sa.text("""
    SELECT s.panellist_id, s.status, r.round_item_id, r.value, r.comment
    FROM response s JOIN round ON round.id = s.round_id
    LEFT JOIN rating r ON r.response_id = s.id
    WHERE round.number = 2
""")


def stored_round_two(url: str) -> dict[int, dict]:
    """Each panellist's round 2 response as stored: status and {item: [value, comment]}."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(STORED).all()
            duplicates = conn.execute(sa.text(
                "SELECT count(*) FROM (SELECT response_id, round_item_id FROM rating "
                "GROUP BY response_id, round_item_id HAVING count(*) > 1) AS d")).scalar()
    finally:
        engine.dispose()
    assert duplicates == 0
    stored: dict[int, dict] = {}
    for panellist_id, status, item_id, value, comment in rows:
        entry = stored.setdefault(panellist_id, {"status": status, "ratings": {}})
        if item_id is not None:
            assert str(item_id) not in entry["ratings"], "a rating stored twice"
            entry["ratings"][str(item_id)] = [value, comment]
    return stored


def check_every_rating(report: dict, stored: dict[int, dict], panellist_ids: list[int]) -> dict:
    """Acknowledged submissions are stored whole and exactly; the rest are not submitted."""
    lost = half_written = 0
    for result in report["results"]:
        entry = stored[panellist_ids[result["index"]]]
        if result["acknowledged"]:
            lost += entry["status"] != "submitted" or entry["ratings"] != result["sent"]
        else:
            half_written += entry["status"] == "submitted"
    return {"lost": lost, "half_written": half_written}


def record_figures(name: str, figures: dict) -> None:
    """Keep a heavy test's figures for ``docs/reliability.md`` when ``make verify`` asks."""
    folder = os.environ.get(RESULTS_VARIABLE)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))
