"""Write ``docs/reliability.md`` from one ``make verify`` run: ``python -m tests.system.reliability.report
RESULTS_DIR OUTPUT``.

RESULTS_DIR holds the figures each heavy test wrote (``record_figures``) and pytest's JUnit XML
(``junit.xml``); nothing in the document is typed by hand, so it shows what that run held.
"""
from __future__ import annotations

import json
import platform
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.system.reliability import test_bad_files
from tests.system.reliability.test_importer_properties import EXAMPLES

FAULTS = {
    "fault-sigkill": "Every gunicorn worker killed with SIGKILL while panellists submit",
    "fault-postgresql-restart": "PostgreSQL stopped and started again during the load",
    "fault-close-in-flight": "The round closed while submissions are in flight",
    "fault-double-submit": "The same answers posted 8 times at once from two tabs, then "
                           "submitted 8 times at once",
    "fault-mail-outage": "The SMTP server down while the invitations are sent",
}


# The cases an outside security and fault review tried, each with the test modules that try them
# again in this run (``make verify`` runs these modules beside tests/system/reliability and
# tests/system/security). A module is named by its path from the project root.
REVIEW_CASES = [
    ("Another study's e-mail files on the Messages page (slug prefixes, renames, erasure)",
     ["tests/system/security/test_mail_files.py"]),
    ("`delphi tick` and every other command run through the installed entry point",
     ["tests/system/cli/test_entry_point.py", "tests/test_scheduling_tick.py"]),
    ("A line break in an e-mail header value (title, subjects): refused at input; the sender "
     "fails that message alone", ["tests/mail/test_mail_unsendable.py",
                                  "tests/studies/test_input_rules.py",
                                  "tests/studies/test_study_file_rules.py"]),
    ("Staff account enumeration by timing; password spraying from one address",
     ["tests/system/security/test_sign_in_timing.py", "tests/system/security/test_rate_limits.py"]),
    ("A study file of thousands of items checked in linear time",
     ["tests/studies/test_study_file_rules.py"]),
    ("Staff sessions replayed after sign-out, a password or role change, sign-out everywhere",
     ["tests/system/security/test_staff_sessions.py"]),
    ("Derived text longer than its column (a 300-character title, long codes, audit targets)",
     ["tests/studies/test_input_rules.py", "tests/auth/test_staff_accounts.py"]),
    ("Rate limits behind a proxy, unknown links against valid ones, several workers on "
     "in-memory counts", ["tests/system/security/test_rate_limits.py",
                          "tests/system/security/test_production_settings.py"]),
    ("Percent-encoded personal-link paths in gunicorn's access log",
     ["tests/system/reliability/test_gunicorn_http.py",
      "tests/questionnaire/test_questionnaire_logging.py"]),
    ("Ids of 2^31 and 2^63 in URLs; huge numbers in query strings, forms, study files and "
     "responses files; 5,000-deep TOML",
     ["tests/system/security/test_url_ids.py", "tests/rounds/test_query_numbers.py",
      "tests/studies/test_study_file_rules.py", "tests/rounds/test_responses_import.py"]),
    ("NUL and control characters in comments, suggestions, titles and group names; the error "
     "page of a failed request for signed-in staff",
     ["tests/questionnaire/test_questionnaire_text_problems.py",
      "tests/system/reliability/test_error_page.py", "tests/studies/test_input_rules.py"]),
    ("Study files held to the forms' rules (codes like =cmd, reminder days, {link}, lengths)",
     ["tests/studies/test_study_file_rules.py"]),
    ("A 300 MB anonymous request body", ["tests/system/reliability/test_request_size.py"]),
    ("Cache-Control: no-store on pages with a personal link or answers",
     ["tests/system/security/test_cache_control.py"]),
    ("A short SECRET_KEY and HSTS in production", ["tests/system/security/test_production_settings.py"]),
    ("Weak staff passwords", ["tests/system/security/test_staff_passwords.py"]),
    ("Instance files readable by other users", ["tests/system/security/test_instance_files.py"]),
    ("A withdrawn panellist's answers page; doubled charset on downloads; non-ASCII digits "
     "and over-long comments in a responses file; a 412-character staff e-mail",
     ["tests/questionnaire/test_questionnaire_access.py",
      "tests/reports/test_reports_content_types.py", "tests/rounds/test_responses_import.py",
      "tests/auth/test_staff_accounts.py"]),
]


def review_modules() -> list[str]:
    """The test modules of the review's cases outside tests/system/reliability and tests/system/security."""
    modules = {module for _, modules in REVIEW_CASES for module in modules}
    return sorted(m for m in modules
                  if not m.startswith(("tests/system/reliability/", "tests/system/security/")))


def _module_of(classname: str) -> str:
    """The test module's name in a JUnit class name (``tests.system.security.test_x`` or
    ``tests.rounds.test_y.TestZ``): its last part that starts with ``test_``."""
    parts = classname.split(".")
    return next((part for part in reversed(parts) if part.startswith("test_")), parts[-1])


def _commit(folder: Path | None = None) -> str:
    """The commit the run was made at (written by ``make verify`` before the tests start, so a
    report written later still names it), marked when the work tree held other changes."""
    recorded = folder / "commit.txt" if folder is not None else None
    if recorded is not None and recorded.is_file():
        return recorded.read_text().strip()
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              check=False).stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return commit + (" (with uncommitted changes)" if git("status", "--porcelain",
                                                         "--untracked-files=no") else "")


def _figures(folder: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


def _outcomes(junit: Path) -> tuple[Counter, list[str]]:
    """Passed, failed and skipped tests per module, and the names of the failed ones."""
    counts: Counter = Counter()
    failed = []
    for case in ElementTree.parse(junit).iter("testcase"):
        module = _module_of(case.get("classname", ""))
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


def _review_cases(counts: Counter) -> list[str]:
    lines = ["| Case tried | Tests | Passed | Failed |", "|---|---|---|---|"]
    for case, modules in REVIEW_CASES:
        names = [Path(module).stem for module in modules]
        passed = sum(counts[(name, "passed")] for name in names)
        failed = sum(counts[(name, "failed")] + counts[(name, "skipped")] for name in names)
        tests = ", ".join(f"`{module}`" for module in modules)
        lines.append(f"| {case} | {tests} | {passed} | {failed} |")
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
        f"Run at commit {_commit(folder)} on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}; gunicorn with 2 sync workers on loopback (`gunicorn.conf.py`), "
        "the panel simulated by `tests/system/reliability/simulate.py` in its own process. "
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
        "`tests/system/security/`.",
        "",
        "Cases an outside security and fault review tried, each tried again in this run (a "
        "skipped test counts as failed here):",
        "",
        *_review_cases(counts),
        "",
        "## Tests in this run",
        "",
        *_test_table(counts),
        "",
    ])
    output.write_text(text)
    return lost == 0 and not failed


if __name__ == "__main__":
    if sys.argv[1:] == ["--modules"]:
        print(" ".join(review_modules()))
        sys.exit(0)
    if sys.argv[1:2] == ["--commit"]:
        print(_commit())
        sys.exit(0)
    ok = write(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"Wrote {sys.argv[2]}" + ("." if ok else ": a test failed or something was lost."))
    sys.exit(0 if ok else 1)
