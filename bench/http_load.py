"""Benchmark 2: the round-2 questionnaire page and a submission of 60 ratings under gunicorn.

The app runs as in production (``gunicorn -c gunicorn.conf.py wsgi:app``, two workers, CSRF on)
on a loopback port, but with rate limits off: production refuses two workers counting them each in
memory, and there is no Redis here to share the counts. ``bench.loadgen`` runs in another
process with 50 clients, each a different panellist. Requests per second of the page and of the
submission are divided by those of ``/healthz`` on the same server in the same run, scenarios
interleaved. After the warm-up and after each run of submissions, PostgreSQL is vacuumed and
analysed (``settle``): sixty saved ratings a request leave dead rows whose clean-up would
otherwise run beside, and be charged to, the run that follows.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from delphi.extensions import db
from delphi.models import Panellist
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from tests.support import data

ROOT = Path(__file__).resolve().parent.parent
ITEMS, PANELLISTS, CLIENTS, WORKERS = 60, 200, 50, 2
SECRET_KEY = "bench-secret-key-not-for-production"
TARGET = 0.25
KEEP = 0.086  # the page's figure before the scale work: it must not fall below it


def build(url: str | None, workdir: Path) -> tuple[str, list[str]]:
    """Round 1 rated by every panellist (with comments) and closed; round 2 open.

    Round 1's ratings centre mid-scale, so no item reaches consensus and all 60 are rated again.

    Returns the database URL and every panellist's link token.
    """
    url = data.fresh_database(url, workdir, "questionnaire")
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study("questionnaire", ITEMS, sections=1)
        panel = data.add_panel(study, PANELLISTS)
        round_one = data.open_round_one(study)
        data.submit_all(round_one, panel, data.random_ratings(PANELLISTS, ITEMS, (1, 9), 0.1,
                                                          centres=(4.5, 5.5)),
                        comment_every=10)
        close_round(round_one)
        launch_next_round(study)
        db.session.commit()
        tokens = [token_for(db.session.get(Panellist, pid)) for pid in panel]
        db.engine.dispose()
    return url, tokens


def in_process_cost(url: str, workdir: Path, token: str, requests: int = 20) -> dict:
    """CPU milliseconds per request of /healthz and of the page, served in this process.

    No server, socket or client is involved: this is what the app itself spends, and the
    floor under the requests per second a worker can reach.
    """
    app = data.bench_app(url, workdir)
    client = app.test_client()
    page = f"/p/{token}/round/2/section/1"
    costs = {}
    for name, path in (("trivial", "/healthz"), ("page", page)):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        started = time.process_time()
        for _ in range(requests):
            client.get(path)
        costs[f"{name}_cpu_ms"] = (time.process_time() - started) / requests * 1000
        costs[f"{name}_bytes"] = len(response.data)
    # The page as browsers fetch it: compressed, and what compressing costs.
    for encoding in ("br", "gzip"):
        headers = {"Accept-Encoding": encoding}
        response = client.get(page, headers=headers)
        if response.headers.get("Content-Encoding") != encoding:
            raise RuntimeError(f"GET {page} with Accept-Encoding {encoding} was not compressed")
        started = time.process_time()
        for _ in range(requests):
            client.get(page, headers=headers)
        costs[f"page_{encoding}_cpu_ms"] = (time.process_time() - started) / requests * 1000
        costs[f"page_{encoding}_bytes"] = len(response.data)
    with app.app_context():
        db.engine.dispose()
    return costs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workdir: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn with the repository's settings on a free loopback port, once it answers."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET_KEY, DELPHI_ENV="production",
               RATELIMIT_ENABLED="false",
               DELPHI_INSTANCE=str(workdir / "instance"),
               DELPHI_BASE_URL=f"http://127.0.0.1:{port}")
    log = open(workdir / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}", "--backlog", "256", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server, port
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _processes() -> list[tuple[int, int, str, float, float]]:
    """Every process as (pid, parent pid, name, CPU seconds used, CPU seconds of its children
    that have ended), from Linux's /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        found.append((int(entry.name), int(fields[1]), name,
                      (int(fields[11]) + int(fields[12])) / ticks,
                      (int(fields[13]) + int(fields[14])) / ticks))
    return found


def _cpu(server: subprocess.Popen, database: bool) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn workers (and PostgreSQL's server processes),
    counting the processes that have ended too: a connection the pool closes ends its server
    process, whose time then shows only in its parent's count of ended children."""
    if not Path("/proc/self/stat").exists():
        return {}
    processes = _processes()
    used = {"app": sum(cpu + (ended if pid == server.pid else 0)
                       for pid, parent, _, cpu, ended in processes
                       if pid == server.pid or parent == server.pid)}
    if database:
        servers = {pid for pid, _, name, _, _ in processes if name.startswith("postgres")}
        used["database"] = sum(cpu + (ended if parent not in servers else 0)  # the postmaster's
                               for pid, parent, name, cpu, ended in processes if pid in servers)
    return used


def settle(url: str) -> None:
    """Let PostgreSQL catch up after writes: vacuum and analyse, as autovacuum would in a while,
    so that a run is not measured while the clean-up of the run before competes for the cores
    (SQLite has nothing to catch up)."""
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _peak_memory_mb(server: subprocess.Popen) -> float | None:
    """The largest resident high-water mark (VmHWM) of the gunicorn workers, in MB."""
    peaks = []
    for pid, parent, _, _, _ in _processes() if Path("/proc/self/status").exists() else []:
        if parent != server.pid:
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # it ended meanwhile
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines()
                  if line.startswith("VmHWM:")]
    return max(peaks, default=None)


def load(scenario: str, port: int, tokens_file: Path, seconds: float,
         server: subprocess.Popen | None = None, database: bool = False) -> dict:
    """One run of the load generator in its own process.

    With ``server``, also the CPU time each request cost, in milliseconds: in the app's workers,
    in the load generator and, with ``database``, in PostgreSQL's server processes.
    """
    before = _cpu(server, database) if server is not None else {}
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", "--scenario", scenario, "--port", str(port),
         "--tokens", str(tokens_file), "--clients", str(CLIENTS), "--seconds", str(seconds)],
        cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load generator ({scenario}) failed: {done.stderr.strip()}")
    figures = json.loads(done.stdout)
    if before and figures["requests"]:
        after = _cpu(server, database)
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        per_request = 1000 / figures["requests"]
        figures["cpu_ms"] = {name: (after[name] - before[name]) * per_request for name in before}
        figures["cpu_ms"]["client"] = per_request * (
            client_after.ru_utime + client_after.ru_stime
            - client_before.ru_utime - client_before.ru_stime)
    return figures


def run(url: str | None, workdir: Path, repeats: int = 2, seconds: float = 6.0) -> dict:
    """Benchmark 2 on ``url`` (SQLite when None); the best of ``repeats`` runs per scenario."""
    built, tokens = build(url, workdir)
    tokens_file = workdir / "tokens.json"
    tokens_file.write_text(json.dumps(tokens))
    costs = in_process_cost(built, workdir, tokens[-1])
    settle(built)
    server, port = start_server(built, workdir)
    try:
        for scenario in ("trivial", "page", "submit"):
            load(scenario, port, tokens_file, 1.0)  # warm up both workers
        settle(built)
        runs: dict[str, list[dict]] = {"trivial": [], "page": [], "submit": []}
        for repeat in range(repeats):
            order = list(runs) if repeat % 2 == 0 else list(reversed(runs))
            for scenario in order:
                runs[scenario].append(load(scenario, port, tokens_file, seconds, server,
                                           database=built.startswith("postgresql")))
                if scenario == "submit":
                    settle(built)  # its saves leave dead rows for the next run to pay for
        peak_memory_mb = _peak_memory_mb(server)
    finally:
        stop_server(server)
    fastest = {name: max(results, key=lambda r: r["rps"]) for name, results in runs.items()}
    return {
        "backend": "postgresql" if built.startswith("postgresql") else "sqlite",
        "workers": WORKERS,
        "clients": CLIENTS,
        "items": ITEMS,
        "runs": runs,
        "best": fastest,
        "page_ratio": fastest["page"]["rps"] / fastest["trivial"]["rps"],
        "submit_ratio": fastest["submit"]["rps"] / fastest["trivial"]["rps"],
        "errors": sum(r["errors"] for results in runs.values() for r in results),
        "in_process": costs,
        "peak_memory_mb": peak_memory_mb,
        "target": TARGET,
    }


def describe(figures: dict) -> list[str]:
    lines = []
    for name, label in (("trivial", "/healthz"), ("page", "questionnaire page"),
                        ("submit", f"submission of {figures['items']} ratings")):
        best = figures["best"][name]
        lines.append(f"{label}: {best['rps']:.0f} requests/s, p50 {best['p50_ms']:.0f} ms, "
                     f"p99 {best['p99_ms']:.0f} ms ({best['requests']} requests, "
                     f"{best['errors']} errors)")
    lines.append(f"page / trivial {figures['page_ratio']:.3f} (target >= {TARGET}; "
                 f"no worse than {KEEP}); "
                 f"submission / trivial {figures['submit_ratio']:.2f}")
    for name in ("trivial", "page"):
        cpu = figures["best"][name].get("cpu_ms")
        if cpu:
            lines.append(f"CPU per request, {name}: " + ", ".join(
                f"{part} {ms:.2f} ms" for part, ms in cpu.items()))
    if figures.get("peak_memory_mb"):
        lines.append(f"peak memory of a gunicorn worker: {figures['peak_memory_mb']:.0f} MB "
                     "resident")
    cost = figures["in_process"]
    lines.append(f"in process, without server or client: /healthz {cost['trivial_cpu_ms']:.1f} ms "
                 f"CPU, page {cost['page_cpu_ms']:.0f} ms CPU for {cost['page_bytes'] / 1e3:.0f} kB"
                 f" of HTML (ratio {cost['trivial_cpu_ms'] / cost['page_cpu_ms']:.3f})")
    return lines
