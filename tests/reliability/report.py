"""Write ``docs/reliability.md`` from one ``make verify`` run: ``python -m tests.reliability.report
RESULTS_DIR OUTPUT``.

RESULTS_DIR holds the figures each heavy test wrote (``record_figures``) and pytest's JUnit XML
(``junit.xml``); nothing in the document is typed by hand, so it shows what that run held.
"""
from __future__ import annotations

import json
import platform
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.reliability import test_bad_files
from tests.reliability.test_importer_properties import EXAMPLES

FAULTS = {
    "fault-sigkill": "Every gunicorn worker killed with SIGKILL while panellists submit",
    "fault-postgresql-restart": "PostgreSQL stopped and started again during the load",
    "fault-close-in-flight": "The round closed while submissions are in flight",
    "fault-double-submit": "The same answers posted 8 times at once from two tabs, then "
                           "submitted 8 times at once",
    "fault-mail-outage": "The SMTP server down while the invitations are sent",
}


def _figures(folder: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


def _outcomes(junit: Path) -> tuple[Counter, list[str]]:
    """Passed, failed and skipped tests per module, and the names of the failed ones."""
    counts: Counter = Counter()
    failed = []
    for case in ElementTree.parse(junit).iter("testcase"):
        module = case.get("classname", "").split(".")[2] if "." in case.get("classname", "") \
            else case.get("classname", "")
        if case.find("failure") is not None or case.find("error") is not None:
            counts[(module, "failed")] += 1
            failed.append(f"{case.get('classname')}::{case.get('name')}")
        elif case.find("skipped") is not None:
            counts[(module, "skipped")] += 1
        else:
            counts[(module, "passed")] += 1
    return counts, failed


def _load_table(figures: dict[str, dict]) -> list[str]:
    lines = ["| Database | Panellists at once | Ratings submitted | Requests | Seconds | "
             "Requests/s | p50 ms | p90 ms | p99 ms | 5xx | Acknowledged | Lost | Half-written |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, f in figures.items():
        if not name.startswith("load-"):
            continue
        errors = sum(n for s, n in f["statuses"].items() if s == "None" or int(s) >= 500)
        latency = f["latency"]
        lines.append(
            f"| {f['backend']} | {f['panellists']} | {f['ratings_stored']} "
            f"({f['items']} each, with comments) | {f['requests']} | {f['seconds']} | "
            f"{f['requests_per_second']} | {latency['p50_ms']} | {latency['p90_ms']} | "
            f"{latency['p99_ms']} | {errors} | {f['acknowledged']} | {f['lost']} | "
            f"{f['half_written']} |")
    return lines


def _fault_rows(figures: dict[str, dict]) -> list[str]:
    lines = ["| Fault | Database | What happened | Lost |", "|---|---|---|---|"]
    for name, f in figures.items():
        prefix = next((p for p in FAULTS if name.startswith(p)), None)
        if prefix is None:
            continue
        backend = f.get("backend") or name.removeprefix(prefix).strip("-") or "postgresql"
        details = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in f.items()
                            if key not in ("backend", "lost", "half_written"))
        lost = f.get("lost", 0) + f.get("half_written", 0) + f.get("delivered_twice", 0)
        lines.append(f"| {FAULTS[prefix]} | {backend} | {details} | {lost} |")
    return lines


def _bad_inputs() -> list[str]:
    lines = ["| Importer | Malformed files tried (each refused with its file, line and column) |",
             "|---|---|"]
    for label, cases in (("Panel CSV", test_bad_files.PANEL_CASES),
                         ("Responses CSV", test_bad_files.RESPONSES_CASES),
                         ("Study file (TOML)", test_bad_files.STUDY_CASES)):
        lines.append(f"| {label} | {', '.join(case[0] for case in cases)} |")
    lines.append(f"| All three | {EXAMPLES} generated files each per database (hypothesis): "
                 "random bytes, CSV with tricky cells, headers and encodings, mutated study "
                 "files |")
    return lines


def _test_table(counts: Counter) -> list[str]:
    modules = sorted({module for module, _ in counts})
    lines = ["| Test module | Passed | Failed | Skipped |", "|---|---|---|---|"]
    for module in modules:
        lines.append(f"| {module} | {counts[(module, 'passed')]} | {counts[(module, 'failed')]}"
                     f" | {counts[(module, 'skipped')]} |")
    return lines


def write(folder: Path, output: Path) -> bool:
    """Write the document; False when a test failed or anything was lost."""
    figures = _figures(folder)
    counts, failed = _outcomes(folder / "junit.xml")
    lost = sum(f.get("lost", 0) + f.get("half_written", 0) + f.get("delivered_twice", 0)
               for f in figures.values())
    verdict = ("Every acknowledged rating was found exactly once, nothing unacknowledged was "
               "half-written, and no message went out twice."
               if lost == 0 and not failed else
               f"PROBLEMS: {lost} answers lost or half-written; failed tests: {failed}")
    text = "\n".join([
        "# Reliability and security: figures from the last `make verify`",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}; gunicorn with 2 sync workers on loopback (`gunicorn.conf.py`), "
        "the panel simulated by `tests/reliability/simulate.py` in its own process. "
        "Regenerate with `make verify` (needs `DELPHI_TEST_DATABASE_URL` for PostgreSQL).",
        "",
        f"**What was lost: {'nothing' if lost == 0 and not failed else 'see below'}.** {verdict}",
        "",
        "## Load held",
        "",
        "Each panellist opens their link, saves a draft, autosaves, rates every item with a "
        "comment section by section, reviews and submits; two staff members keep loading the "
        "round dashboard and exporting the round 1 report (CSV) meanwhile.",
        "",
        *_load_table(figures),
        "",
        "## Faults injected",
        "",
        *_fault_rows(figures),
        "",
        "## Bad input tried",
        "",
        *_bad_inputs(),
        "",
        "Hostile text (script and markup, spreadsheet formulas) in names, comments, suggestions "
        "and study texts, tampered forms and URLs, missing or wrong CSRF tokens, every route "
        "against six kinds of visitor, rate limits, security headers, cookies and logs: see "
        "`tests/security/`.",
        "",
        "## Tests in this run",
        "",
        *_test_table(counts),
        "",
    ])
    output.write_text(text)
    return lost == 0 and not failed


if __name__ == "__main__":
    ok = write(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"Wrote {sys.argv[2]}" + ("." if ok else ": a test failed or something was lost."))
    sys.exit(0 if ok else 1)
