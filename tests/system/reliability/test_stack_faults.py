"""Faults injected into the real stack while panellists answer: the workers killed with SIGKILL,
PostgreSQL restarted, the round closed under them, and the same form sent several times at once.
Afterwards every acknowledged answer is stored exactly once and nothing else is half-written."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Round, RoundItem
from tests.system.reliability.simulate import comment_for, value_for
from tests.system.reliability.stack import (Server, app_for, build, check_every_rating,
                                     finish_panellists, record_figures, stack_database,
                                     start_panellists, stored_round_two, wait_for_log)

pytestmark = pytest.mark.slow  # starts gunicorn and kills its workers

BACKENDS = ["sqlite", "postgresql"]
PANELLISTS, ITEMS = 40, 30
RETRY = ("--retries", "20", "--retry-delay", "0.5")


def _server_errors(report: dict) -> dict[str, int]:
    return {s: n for s, n in report["statuses"].items() if s != "None" and int(s) >= 500}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_workers_killed_mid_submission_lose_nothing_and_the_retry_succeeds(backend, tmp_path):
    with stack_database(backend, tmp_path) as url:
        built = build(url, tmp_path, panellists=PANELLISTS, items=ITEMS)
        with Server(built.url, tmp_path) as server:
            process, out = start_panellists(server, built, tmp_path, count=PANELLISTS, staff=0,
                                            extra=RETRY)
            wait_for_log(server, "/section/1 HTTP/1.1\" 302", PANELLISTS // 2)
            # Every worker at once, while one holds a panellist's connection: on a loaded
            # machine the panellists' clients can leave the workers idle for a moment.
            deadline = time.monotonic() + 10
            while not server.workers_connected() and time.monotonic() < deadline:
                time.sleep(0.001)
            killed = server.worker_pids()
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            report = finish_panellists(process, out)
            log = server.log_text()
        stored = stored_round_two(built.url)

    assert all(f"Worker (pid:{pid}) was sent SIGKILL" in log for pid in killed)
    assert report["connection_failures"], "no request was cut off by the kill"
    assert not _server_errors(report), report["server_errors"][:2]
    assert report["acknowledged"] == PANELLISTS
    outcome = check_every_rating(report, stored, built.panellist_ids)
    assert outcome == {"lost": 0, "half_written": 0}
    record_figures(f"fault-sigkill-{backend}", {
        "backend": backend, "panellists": PANELLISTS, "items": ITEMS,
        "cut_off_requests": sum(report["connection_failures"].values()),
        "acknowledged": report["acknowledged"], **outcome})


def _cluster() -> tuple[str, str]:
    if shutil.which("pg_ctlcluster") is None or os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL needs pg_ctlcluster and root (as in .ci/run)")
    first = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                           check=True).stdout.split()
    return first[0], first[1]


def _get(server: Server, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.alone  # every other test using PostgreSQL would fail while it is stopped
def test_postgresql_restarted_during_load_gives_503_then_recovers_by_itself(tmp_path):
    version, name = _cluster()
    with stack_database("postgresql", tmp_path) as url:
        built = build(url, tmp_path, panellists=PANELLISTS, items=ITEMS)
        with Server(built.url, tmp_path) as server:
            process, out = start_panellists(server, built, tmp_path, count=PANELLISTS, staff=1,
                                            extra=RETRY)
            wait_for_log(server, "/section/1 HTTP/1.1\" 302", PANELLISTS // 4)
            subprocess.run(["pg_ctlcluster", version, name, "stop", "-m", "fast"], check=True)
            try:
                during = _get(server, f"/p/{built.tokens[-1]}/round/2/section/1")
            finally:
                subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
            report = finish_panellists(process, out)
            after = _get(server, f"/p/{built.tokens[-1]}/round/2/section/1")
        stored = stored_round_two(built.url)

    assert during[0] == 503
    assert "Temporarily unavailable" in during[1] and "Nothing you saved has been lost" in during[1]
    assert "Traceback" not in during[1] and "psycopg" not in during[1]
    assert after[0] == 200  # recovered by itself: no restart of the app
    assert set(_server_errors(report)) <= {"503"}
    assert all("Temporarily unavailable" in page for page in report["server_errors"])
    assert report["acknowledged"] == PANELLISTS
    outcome = check_every_rating(report, stored, built.panellist_ids)
    assert outcome == {"lost": 0, "half_written": 0}
    record_figures("fault-postgresql-restart", {
        "panellists": PANELLISTS, "items": ITEMS,
        "answered_503": _server_errors(report).get("503", 0),
        "cut_off_requests": sum(report["connection_failures"].values()),
        "acknowledged": report["acknowledged"], **outcome})


def _close_from_the_command_line(url: str, workdir) -> str:
    """``delphi round close stack``, as a coordinator would run it, against the stack's database."""
    done = subprocess.run(
        [shutil.which("delphi") or os.path.join(os.path.dirname(sys.executable), "delphi"),
         "round", "close", "stack"],
        env=dict(os.environ, DATABASE_URL=url, SECRET_KEY="stack-close",
                 DELPHI_INSTANCE=str(workdir / "cli-instance")),
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _frozen_counts(url: str, workdir) -> dict[int, int]:
    """Round 2's frozen summaries: how many panellists each item's statistics counted."""
    app = app_for(url, workdir)
    with app.app_context():
        round_items = db.session.scalars(
            sa.select(RoundItem).join(RoundItem.round).where(Round.number == 2)).all()
        counts = {ri.id: ri.summary["n"] + ri.summary["n_unable"] for ri in round_items}
        db.session.remove()
        db.engine.dispose()
    return counts


# Alone: under the parallel run's load, starting the closing command can take longer than the
# whole panel takes to submit, and then no submission is in flight when the round closes.
@pytest.mark.alone
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_round_closed_while_submissions_are_in_flight_takes_each_wholly_or_not(backend,
                                                                                 tmp_path):
    with stack_database(backend, tmp_path) as url:
        built = build(url, tmp_path, panellists=PANELLISTS, items=ITEMS)
        with Server(built.url, tmp_path) as server:
            process, out = start_panellists(server, built, tmp_path, count=PANELLISTS, staff=0,
                                            extra=("--pause", "0.3", "--stagger", "0.15"))
            wait_for_log(server, "/submit HTTP/1.1\" 302", 3)
            closed = _close_from_the_command_line(built.url, tmp_path)
            report = finish_panellists(process, out)
        stored = stored_round_two(built.url)
        frozen = _frozen_counts(built.url, tmp_path)

    acknowledged = report["acknowledged"]
    refused = [r for r in report["results"] if not r["acknowledged"]]
    assert 5 <= acknowledged < PANELLISTS and refused
    assert not _server_errors(report)
    assert check_every_rating(report, stored, built.panellist_ids) == {
        "lost": 0, "half_written": 0}
    assert "Round 2 of stack is closed" in closed
    # Every submission acknowledged is in the frozen summary; no other is.
    assert set(frozen.values()) == {acknowledged}
    # A refused panellist was told (409), or found the round closed on opening it, and keeps
    # what they had saved, as a draft.
    for result in refused:
        steps = result["steps"]
        assert 409 in [status for _, status in steps] or ["section page", 302] in steps, steps
        entry = stored[built.panellist_ids[result["index"]]]
        assert entry["status"] != "submitted"
        assert all(entry["ratings"].get(item) == answer for item, answer in result["sent"].items())
    record_figures(f"fault-close-in-flight-{backend}", {
        "backend": backend, "panellists": PANELLISTS, "acknowledged": acknowledged,
        "refused_and_kept_as_draft": len(refused), "in_frozen_summary": acknowledged})


def _page(port: int, path: str) -> tuple[str, str]:
    """A fresh tab: the page's CSRF token and the session cookie it set."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return csrf, response.getheader("Set-Cookie").split(";")[0]


def _at_once(port: int, path: str, forms: list[tuple[str, dict]]) -> list[int]:
    """POST every (cookie, form) at the same moment, each on its own connection."""
    statuses: list[int] = []
    start = threading.Barrier(len(forms))

    def post(cookie: str, form: dict) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = urlencode(form)
        start.wait()
        connection.request("POST", path, body=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
        connection.close()

    threads = [threading.Thread(target=post, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_same_answers_sent_from_two_tabs_and_double_clicks_give_one_response(backend,
                                                                                tmp_path):
    with stack_database(backend, tmp_path) as url:
        built = build(url, tmp_path, panellists=3, items=6, sections=1)
        with Server(built.url, tmp_path) as server:
            results = {}
            for index, token in enumerate(built.tokens):
                base = f"/p/{token}/round/2"
                tabs = [_page(server.port, f"{base}/section/1") for _ in range(2)]
                page = _get(server, f"{base}/section/1")[1]
                items = sorted({int(i) for i in re.findall(r'name="rating-(\d+)"', page)})
                answers = {f"rating-{i}": str(value_for(index, i)) for i in items}
                answers.update({f"comment-{i}": comment_for(index, i) for i in items})
                clicks = [(cookie, {"csrf_token": csrf, "action": "review", **answers})
                          for csrf, cookie in tabs for _ in range(4)]
                saved = _at_once(server.port, f"{base}/section/1", clicks)
                submits = [(cookie, {"csrf_token": csrf}) for csrf, cookie in tabs
                           for _ in range(4)]
                submitted = _at_once(server.port, f"{base}/submit", submits)
                results[built.panellist_ids[index]] = (saved, submitted, items, index)
        stored = stored_round_two(built.url)

    for panellist_id, (saved, submitted, items, index) in results.items():
        assert saved == [302] * 8, saved
        assert submitted == [302] * 8, submitted
        entry = stored[panellist_id]
        assert entry["status"] == "submitted"
        assert entry["ratings"] == {str(i): [value_for(index, i), comment_for(index, i)]
                                    for i in items}
    record_figures(f"fault-double-submit-{backend}", {
        "backend": backend, "panellists": len(results), "posts_at_once": 8,
        "responses_per_panellist": 1, "duplicate_ratings": 0})
