"""Write bench/RESULTS.md from one run's figures: the machine, the date, each figure and target."""
from __future__ import annotations

from pathlib import Path

from bench import closing, http_load, report_export, statements, study_file
from bench.timing import best

HEADER = """# Benchmark results

Written by `make bench` (`bench/run.py`); do not edit by hand. Every figure is a ratio of two
things measured side by side in the same run, so that a busy machine slows both alike. Times are
the best of the repetitions. No test asserts a time.
"""


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _machine(m: dict) -> list[str]:
    memory = f"{m['memory_gb']:.0f} GB" if m["memory_gb"] else "unknown"
    return [
        "## Machine", "",
        f"- Date: {m['date']}; commit {m.get('commit', 'unknown')}",
        f"- CPU: {m['cpu']}, {m['cores']} cores; memory {memory}",
        f"- Python {m['python']}, numpy {m['numpy']}, SQLite {m['sqlite']}, PostgreSQL "
        f"{m['postgresql'] or 'not measured (DELPHI_BENCH_DATABASE_URL unset)'}",
        "",
    ]


def _closing(rows: list[dict]) -> list[str]:
    lines = ["## 1. Closing a round: 200 items x 5,000 panellists (1,000,000 ratings, 10% unable)",
             "", "| Database | close_round | bare query | ratio (median) | target | peak memory, "
             "close / query | |", "|---|---|---|---|---|---|---|"]
    for f in rows:
        lines.append(
            f"| {f['label']} | {best(f['close_seconds']):.2f} s | {best(f['query_seconds']):.2f} s"
            f" | **{f['ratio']:.2f}** ({f['ratio_median']:.2f}) | <= {closing.TARGET} | "
            f"{f['close_peak_mb']:.0f} MB / {f['query_peak_mb']:.0f} MB | "
            f"{_met(f['ratio'] <= closing.TARGET)} |")
    lines += ["", "close_round reads the ratings, builds the matrix, runs the consensus engine "
              "overall and per stakeholder group, and writes the 200 frozen summaries (flushed, "
              "then rolled back for the next repetition). The bare query is the matrix's own "
              "SELECT with every row fetched. Peak memory is what tracemalloc saw (Python and "
              f"numpy); {rows[0]['repeats'] if rows else 0} repetitions each.", ""]
    return lines


def _http(f: dict) -> list[str]:
    lines = [f"## 2. Questionnaire under gunicorn ({f['workers']} workers, {f['clients']} "
             f"clients on loopback, {f['backend']})", "",
             "| Request | requests/s | p50 | p99 | / trivial | target |", "|---|---|---|---|---|---|"]
    for name, label, ratio, target in (
            ("trivial", "`/healthz` (trivial)", None, ""),
            ("page", f"round-2 page, {f['items']} items with feedback", f["page_ratio"],
             f"≥ {http_load.TARGET}: {_met(f['page_ratio'] >= http_load.TARGET)}; no worse "
             f"than {http_load.KEEP}: {_met(f['page_ratio'] >= http_load.KEEP)}"),
            ("submit", f"submission of {f['items']} ratings", f["submit_ratio"], "")):
        b = f["best"][name]
        lines.append(f"| {label} | {b['rps']:.0f} | {b['p50_ms']:.0f} ms | {b['p99_ms']:.0f} ms "
                     f"| {'' if ratio is None else f'**{ratio:.3f}**'} | {target} |")
    cost = f["in_process"]
    peak = (f" Peak memory of a gunicorn worker (its resident high-water mark, VmHWM): "
            f"{f['peak_memory_mb']:.0f} MB." if f.get("peak_memory_mb") else "")
    lines += ["", f"Errors: {f['errors']}.{peak} In the app alone (test client, no server or "
              f"client): `/healthz` costs {cost['trivial_cpu_ms']:.1f} ms of CPU, the page "
              f"{cost['page_cpu_ms']:.1f} ms for {cost['page_bytes'] / 1e3:.0f} kB of HTML "
              f"(ratio {cost['trivial_cpu_ms'] / cost['page_cpu_ms']:.3f}).", ""]
    if "page_br_bytes" in cost:
        wire = max(cost["page_br_bytes"], cost["page_gzip_bytes"])
        lines += ["Page weight: the page's "
                  f"{cost['page_bytes'] / 1e3:.0f} kB of HTML travel as "
                  f"{cost['page_br_bytes'] / 1e3:.0f} kB with Brotli "
                  f"({cost['page_br_cpu_ms']:.1f} ms of CPU) or "
                  f"{cost['page_gzip_bytes'] / 1e3:.0f} kB with gzip "
                  f"({cost['page_gzip_cpu_ms']:.1f} ms); target at most 60 kB: "
                  f"{_met(wire <= 60_000)}. The load generator above asks for no compression, "
                  "as the figures before compression did.", ""]
    lines += _cpu_split(f)
    return lines


def _cpu_split(f: dict) -> list[str]:
    """Where each request's CPU went during the load runs: the table explaining the ratios."""
    rows = [(name, f["best"][name].get("cpu_ms")) for name in ("trivial", "page", "submit")]
    rows = [(name, cpu) for name, cpu in rows if cpu]
    if not rows:
        return []
    parts = list(rows[0][1])
    names = {"app": "app workers", "database": "PostgreSQL", "client": "load generator"}
    lines = ["CPU time per request during those runs (from /proc; every process shares the "
             "same cores, so this is what bounds requests per second):", "",
             "| Request | " + " | ".join(names[p] for p in parts) + " | all |",
             "|---|" + "---|" * (len(parts) + 1)]
    for name, cpu in rows:
        lines.append(f"| {name} | " + " | ".join(f"{cpu[p]:.2f} ms" for p in parts)
                     + f" | {sum(cpu.values()):.2f} ms |")
    return lines + [""]


def _statements(counts: dict) -> list[str]:
    small, large = (counts[size] for size in statements.SIZES)
    lines = [f"## 3. SQL statements per request at {statements.SIZES[0]} and "
             f"{statements.SIZES[1]} items", "",
             "| Page | 10 items | 200 items | equal (asserted by tests/system/scale) |", "|---|---|---|---|"]
    lines += [f"| {page} | {small[page]} | {large[page]} | {_met(small[page] == large[page])} |"
              for page in small]
    return lines + [""]


def _report(f: dict) -> list[str]:
    close = f["close_seconds"]
    lines = ["## 4. Full report: 3 rounds x 200 items x 1,000 panellists, every format "
             f"({f['backend']})", "",
             f"Against closing round 4 (200 items x 1,000 panellists, stability against round 3): "
             f"{close:.2f} s, timed side by side with the report.", "",
             "| Part | time | / closing | size | peak memory |", "|---|---|---|---|---|"]
    for name, seconds in f["format_seconds"].items():
        label = ("Report model (`build_report`, once for every format)" if name == "model"
                 else report_export.FORMATS[name].label)
        size = "" if name == "model" else f"{f['sizes'][name] / 1e6:.2f} MB"
        lines.append(f"| {label} | {seconds:.2f} s | {seconds / close:.2f} | {size} | "
                     f"{f['peak_mb'][name]:.0f} MB |")
    resident = f.get("pdf_resident_peak_mb")
    lines.append(f"| {report_export.FORMATS['pdf'].label}, round {f['pdf_round']} alone (once) "
                 f"| {f['pdf_seconds']:.2f} s | "
                 f"{f['pdf_seconds'] / close:.1f} | {f['sizes']['pdf'] / 1e6:.2f} MB | "
                 + (f"{resident:.0f} MB resident |" if resident else "not measured |"))
    lines += ["",
              f"- Every format but the PDF: {f['report_seconds']:.2f} s, "
              f"**{f['ratio']:.1f}x** closing: {report_export.verdict(f['ratio'])}.",
              f"- The PDF, printed for round {f['pdf_round']} alone (one round's pages of "
              f"three, to keep the run short): {f['pdf_seconds']:.2f} s, **{f['pdf_ratio']:.1f}x** "
              f"closing one round: {report_export.verdict(f['pdf_ratio'])}.", "",
              "The report model is built once and every format is drawn from it, as the "
              "background build does; the supplementary bundle is not included (it holds the "
              "HTML, the PDF and the raw data again). Peak memory is what tracemalloc saw for "
              "each part; the PDF's is the process's resident high-water mark while WeasyPrint "
              f"ran. Best of {f.get('repeats', 2)} passes; the PDF once, of one round.", ""]
    return lines


def _engine(f: dict) -> list[str]:
    return ["## 5. Consensus engine against a per-item loop (200 x 5,000)", "",
            f"Engine {f['engine_seconds'] * 1000:.0f} ms, per-item loop with `statistics` "
            f"{f['loop_seconds'] * 1000:.0f} ms: **{f['ratio']:.0f}x** (target ≥ "
            f"{f['target_ratio']}x: {_met(f['ratio'] >= f['target_ratio'])}); results "
            f"{'agree' if f['agree'] else 'DIFFER'}; peak memory of the engine "
            f"{f.get('engine_peak_mb', 0):.0f} MB.", ""]


def _study_file(f: dict) -> list[str]:
    return ["## 6. Checking a study file (`parse_study_file`)", "",
            *(f"- {line}" for line in study_file.describe(f)), ""]


def _responses_import(rows: list[dict]) -> list[str]:
    lines = ["## 7. Importing 400,000 responses: 200 items x 2,000 panellists, 10% unable to rate",
             "", "| Database | import | rows/s | target | bare insert | ratio | peak memory, "
             "import / bare |", "|---|---|---|---|---|---|---|"]
    for f in rows:
        lines.append(
            f"| {f['database']} | {f['import_s']:.2f} s | **{f['rows_per_second']:,.0f}** | "
            f">= {f['target']:,}: {_met(f['rows_per_second'] >= f['target'])} | "
            f"{f['bare_s']:.2f} s | {f['ratio']:.2f} | {f['import_peak_mb']:.0f} MB / "
            f"{f['bare_peak_mb']:.0f} MB |")
    lines += ["", "`import_responses` reads the CSV file, checks every row (panellist, item, scale, "
              "comment, duplicates) and writes the responses and ratings in bulk, all or nothing. "
              "The bare insert writes the same rows by the fastest means of the database (COPY on "
              "PostgreSQL, one prepared INSERT on SQLite), without reading or checking a file; "
              f"{rows[0]['repeats'] if rows else 0} repetitions each, rolled back.", ""]
    return lines


def _opening(rows: list[dict]) -> list[str]:
    lines = ["## 8. Opening a round for 20,000 panellists, and sending the outbox", "",
             "| Database | open_round | bare insert | ratio | target | peak memory, open / bare "
             "| sent to a local SMTP server | target |", "|---|---|---|---|---|---|---|---|"]
    for f in rows:
        s = f["sending"]
        lines.append(
            f"| {f['database']} | {f['open_s']:.2f} s | {f['bare_s']:.2f} s | "
            f"**{f['ratio']:.2f}** | <= {f['target']}: {_met(f['ratio'] <= f['target'])} | "
            f"{f['open_peak_mb']:.0f} MB / {f['bare_peak_mb']:.0f} MB | "
            f"**{s['per_second']:.0f}/s** ({s['sent']} in {s['seconds']:.1f} s, {s['failed']} "
            f"failed) | >= {s['target']}/s: {_met(s['per_second'] >= s['target'])} |")
    lines += ["", "open_round checks the study, freezes the consensus definition, reads the panel "
              "in batches of rows and writes a response and a filled-in invitation per "
              "panellist in bulk; the bare insert writes the same rows, built beforehand. "
              "Sending runs `send_pending` against aiosmtpd's sink in a process of its own: one "
              "SMTP connection for the run, each message claimed in a committed transaction "
              "before it is sent.", ""]
    return lines


def _panel_import(rows: list[dict]) -> list[str]:
    lines = ["## 9. Importing a panel file of 20,000 rows", "",
             "| Database | import_panel | bare insert | ratio | target | peak memory, import / "
             "bare |", "|---|---|---|---|---|---|"]
    lines += [f"| {f['database']} | {f['import_s']:.2f} s | {f['bare_s']:.2f} s | "
              f"**{f['ratio']:.2f}** | <= {f['target']}: {_met(f['ratio'] <= f['target'])} | "
              f"{f['import_peak_mb']:.0f} MB / {f['bare_peak_mb']:.0f} MB |" for f in rows]
    lines += ["", "`import_panel` reads the CSV file, checks every row (name, e-mail, group, "
              "duplicates in the file and on the panel), spells each group as the study does, "
              "derives each personal link and writes the rows in one statement, all or nothing; "
              "the bare insert writes the same rows, links included, built beforehand. "
              f"{rows[0]['repeats'] if rows else 0} repetitions each, rolled back.", ""]
    return lines


def _panel_page(rows: list[dict]) -> list[str]:
    lines = ["## 10. The Panel page at 20,000 panellists (round 1 open)", "",
             "| Database | Request | time | target | statements | peak memory |",
             "|---|---|---|---|---|---|"]
    for f in rows:
        lines += [f"| {f['database']} | {name} | **{p['seconds']:.3f} s** | < {f['target']} s: "
                  f"{_met(p['seconds'] < f['target'])} | {p['statements']} | "
                  f"{p['peak_mb']:.1f} MB |" for name, p in f["pages"].items()]
    lines += ["", "100 panellists a page; the statements do not depend on the panel's size "
              "(tests/panel/test_panel_pages.py asserts it at 20 and 2,000 panellists). Best of "
              f"{rows[0]['repeats'] if rows else 0} requests each, through the test client.", ""]
    return lines


def _console_pages(rows: list[dict]) -> list[str]:
    lines = ["## 11. Dashboard and review at 20,000 panellists x 200 items", "",
             "| Database | Page | first visit | time | target | statements | peak memory |",
             "|---|---|---|---|---|---|---|"]
    for f in rows:
        lines += [f"| {f['database']} | {name} | **{p['first_seconds']:.3f} s** | "
                  f"**{p['seconds']:.3f} s** | < {f['target']} s: "
                  f"{_met(max(p['seconds'], p['first_seconds']) < f['target'])} | "
                  f"{p['statements']} | {p['peak_mb']:.1f} MB |" for name, p in f["pages"].items()]
    lines += ["", f"{rows[0]['ratings'] if rows else 0:,} ratings. The statements do not depend "
              "on the panel's size (tests/system/scale/test_statements_per_page.py asserts it at "
              "20 and 300 panellists, and at 10 and 200 items). Best of "
              f"{rows[0]['repeats'] if rows else 0} requests each, through the test client; the "
              "first visit is timed apart: the dashboard's right after a panellist submits "
              "again, the review's with nothing kept by the app, as after a restart.", ""]
    return lines


def write_results(results: dict, path: Path) -> Path:
    lines = [HEADER, *_machine(results["machine"])]
    if results.get("closing"):
        lines += _closing(results["closing"])
    if results.get("http"):
        lines += _http(results["http"])
    if results.get("statements"):
        lines += _statements(results["statements"])
    if results.get("report"):
        lines += _report(results["report"])
    if results.get("engine"):
        lines += _engine(results["engine"])
    if results.get("study_file"):
        lines += _study_file(results["study_file"])
    if results.get("opening"):
        lines += _opening(results["opening"])
    if results.get("responses_import"):
        lines += _responses_import(results["responses_import"])
    if results.get("panel_import"):
        lines += _panel_import(results["panel_import"])
    if results.get("panel_page"):
        lines += _panel_page(results["panel_page"])
    if results.get("console_pages"):
        lines += _console_pages(results["console_pages"])
    notes = Path(__file__).resolve().parents[1] / "docs" / "benchmark-notes.md"
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    if results.get("failures"):
        lines += ["## Failures", "", *(f"- {failure}" for failure in results["failures"]), ""]
    steps = ", ".join(f"{title.split('. ', 1)[0]}: {seconds:.0f} s"
                      for title, seconds in results.get("step_seconds", {}).items())
    lines.append(f"Whole run: {results['seconds']:.0f} s"
                 + (f" (by step {steps})." if steps else "."))
    path.write_text("\n".join(lines) + "\n")
    return path
