"""``make bench``: run every benchmark, print a summary and write bench/RESULTS.md.

SQLite always; PostgreSQL too when ``DELPHI_BENCH_DATABASE_URL`` names a database (it is
emptied: every table is dropped). Sizes are those of the targets in the README; only repetitions are few,
so the whole run stays within minutes on a small machine. Figures are ratios measured side by
side in one run, because shared machines are noisy.
"""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/run.py` from a checkout

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench import (  # noqa: E402
    bench_engine, closing, console_pages, http_load, opening, panel_import, panel_page,
    report_export, responses_import, statements, study_file)
from bench.results import write_results  # noqa: E402
from tests.support.data import bench_app, fresh_database  # noqa: E402

URL_VARIABLE = "DELPHI_BENCH_DATABASE_URL"


def machine(url: str | None) -> dict:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((int(line.split()[1]) / 1024 / 1024 for line in _lines("/proc/meminfo")
                   if line.startswith("MemTotal")), None)
    postgresql = None
    if url:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            postgresql = conn.execute(sa.text("SHOW server_version")).scalar()
        engine.dispose()
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return {
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgresql,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _step(title: str, work, results: dict, key: str):
    print(f"\n== {title}", flush=True)
    started = time.perf_counter()
    try:
        results[key] = work()
    except Exception as error:  # a benchmark that breaks is reported, the others still run
        results[key] = None
        results.setdefault("failures", []).append(f"{title}: {type(error).__name__}: {error}")
        print(f"   FAILED: {error}", flush=True)
    seconds = time.perf_counter() - started
    results.setdefault("step_seconds", {})[title] = seconds
    print(f"   ({seconds:.0f} s)", flush=True)
    return results[key]


def main() -> int:
    url = os.environ.get(URL_VARIABLE) or None
    results: dict = {"machine": machine(url), "postgresql_url_set": url is not None}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="delphi-bench-") as folder:
        workdir = Path(folder)

        engine = _step("5. Consensus engine against a per-item loop", bench_engine.run,
                       results, "engine")
        if engine:
            print(f"   engine {engine['engine_seconds'] * 1000:.0f} ms, loop "
                  f"{engine['loop_seconds'] * 1000:.0f} ms: {engine['ratio']:.0f}x")

        checks = _step("6. Checking a study file of 1,000 and 5,000 items",
                       lambda: study_file.run(workdir), results, "study_file")
        for line in study_file.describe(checks) if checks else []:
            print(f"   {line}")

        def count_statements():
            app = bench_app(fresh_database(None, workdir, "statements"), workdir)
            return statements.run(app)

        counts = _step("3. SQL statements per request at 10 and 200 items", count_statements,
                       results, "statements")
        for line in statements.describe(counts) if counts else []:
            print(f"   {line}")

        backends = {"SQLite": None} | ({"PostgreSQL": url} if url else {})
        closes = _step("1. Closing a round of 1,000,000 ratings",
                       lambda: closing.run(backends, workdir), results, "closing")
        for figures in closes or []:
            print(f"   {closing.describe(figures)}")
        if not url:
            print(f"   PostgreSQL skipped: set {URL_VARIABLE} to a database it may empty.")

        imports = _step("7. Importing 400,000 responses (200 items x 2,000 panellists)",
                        lambda: responses_import.run(backends, workdir), results,
                        "responses_import")
        for figures in imports or []:
            print(f"   {responses_import.describe(figures)}")

        opened = _step("8. Opening a round for 20,000 panellists; sending the outbox",
                       lambda: opening.run(backends, workdir), results, "opening")
        for figures in opened or []:
            for line in opening.describe(figures):
                print(f"   {line}")

        panels = _step("9. Importing a panel file of 20,000 rows",
                       lambda: panel_import.run(backends, workdir), results, "panel_import")
        for figures in panels or []:
            print(f"   {panel_import.describe(figures)}")

        listed = _step("10. The Panel page at 20,000 panellists",
                       lambda: panel_page.run(backends, workdir), results, "panel_page")
        for figures in listed or []:
            for line in panel_page.describe(figures):
                print(f"   {line}")

        consoles = _step("11. Dashboard and review at 20,000 panellists x 200 items",
                         lambda: console_pages.run(backends, workdir), results, "console_pages")
        for figures in consoles or []:
            for line in console_pages.describe(figures):
                print(f"   {line}")

        report = _step("4. Full report of 3 rounds x 200 items x 1,000 panellists",
                       lambda: report_export.run(url, workdir), results, "report")
        for line in report_export.describe(report) if report else []:
            print(f"   {line}")

        http = _step("2. Questionnaire under gunicorn (2 workers, 50 clients)",
                     lambda: http_load.run(url, workdir), results, "http")
        for line in http_load.describe(http) if http else []:
            print(f"   {line}")

    results["seconds"] = time.perf_counter() - started
    print("\n== Time per step")
    for title, seconds in results.get("step_seconds", {}).items():
        print(f"   {seconds:6.0f} s  {title}")
    print(f"   {results['seconds']:6.0f} s  in all", flush=True)
    path = write_results(results, ROOT / "bench" / "RESULTS.md")
    print(f"\nWrote {path.relative_to(ROOT)} ({results['seconds']:.0f} s in all).")
    return 1 if results.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
