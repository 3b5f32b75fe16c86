"""Benchmark 4: the full report of 3 rounds of 200 items by 1,000 panellists, in every format a
coordinator downloads, against closing one such round.

Rounds 1 to 3 are rated by every panellist, mid-scale so that every item is carried forward,
and closed through ``close_round``; round 4 is rated the same way and left open. Closing round 4
(with stability against round 3) is the yardstick, timed side by side with the report of rounds
1 to 3: the report model (``build_report``) built once, then every format drawn from it, as the
background build does. The PDF takes far longer than the rest (WeasyPrint lays out every page:
about 100 s for the three rounds on a 2-core machine), so it is printed once, after, for round
3 alone (``build_report(study, 3)``: one round's pages of three), and set against closing one
round; it is not added to the full report's figure. The supplementary bundle is not included:
it holds the HTML, the PDF and the raw data again, so it would count them twice.
"""
from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.closing import close_and_undo
from bench.timing import best, side_by_side
from delphi.extensions import db
from delphi.models import Round, Study
from delphi.reports import FORMATS
from delphi.collector import collector_paused
from delphi.reports.data import StudyReport, build_report
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from tests.support import data

ROUNDS, ITEMS, PANELLISTS = 3, 200, 1_000
YARDSTICK = ROUNDS + 1  # the open round whose closing the report is measured against
QUICK = tuple(name for name in FORMATS if name != "pdf")  # html, csv, xlsx, json, accord, raw
TARGET = 3.0  # the full report within this many times closing one round
PDF_ROUND = ROUNDS  # the PDF is printed for this round alone


def build(url: str | None, workdir: Path, panellists: int = PANELLISTS) -> str:
    """Rounds 1 to 3 closed; round 4 rated by everyone and still open."""
    url = data.fresh_database(url, workdir, "report")
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study("report", ITEMS)
        panel = data.add_panel(study, panellists)
        round_ = data.open_round_one(study)
        for number in range(1, YARDSTICK + 1):
            ratings = data.random_ratings(panellists, ITEMS, (1, 9), 0.1, seed=data.SEED + number,
                                          centres=(4.5, 5.5))
            data.submit_all(round_, panel, ratings, comment_every=50)
            if number < YARDSTICK:
                close_round(round_)
                round_ = launch_next_round(study)
            db.session.commit()
        db.engine.dispose()
    return url


def _report(study_id: int, seconds: dict[str, list[float]], sizes: dict[str, int],
            names: tuple[str, ...] = QUICK) -> StudyReport:
    """Build the report model once and draw each of ``names`` from it, timing every step, with
    the garbage collector paused as a background build pauses it."""
    db.session.expire_all()  # nothing served from what an earlier pass loaded
    with collector_paused():
        started = time.perf_counter()
        report = build_report(db.session.get(Study, study_id))
        seconds.setdefault("model", []).append(time.perf_counter() - started)
        for name in names:
            started = time.perf_counter()
            sizes[name] = len(FORMATS[name].render(report))
            seconds.setdefault(name, []).append(time.perf_counter() - started)
    return report


def _traced_peaks(study_id: int) -> dict[str, float]:
    """Peak memory (tracemalloc: Python and numpy) of the model and of each quick format, the
    collector paused as in a build: what it leaves uncollected counts."""
    peaks: dict[str, float] = {}
    db.session.expire_all()
    tracemalloc.start()
    try:
        with collector_paused():
            report = build_report(db.session.get(Study, study_id))
            peaks["model"] = tracemalloc.get_traced_memory()[1] / 1e6
            for name in QUICK:
                tracemalloc.reset_peak()
                FORMATS[name].render(report)
                peaks[name] = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return peaks


def _resident_peak_mb(work: Callable[[], object]) -> float | None:
    """The process's peak resident memory while ``work`` runs, in MB (Linux: the high-water
    mark is reset first); None where it cannot be reset. WeasyPrint under tracemalloc would
    take several times as long."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        work()
        return None
    work()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def measure(url: str, workdir: Path, repeats: int) -> dict:
    app = data.bench_app(url, workdir)
    with app.app_context():
        yardstick = db.session.scalar(sa.select(Round.id).filter_by(number=YARDSTICK))
        study_id = db.session.scalar(sa.select(Study.id))
        close_and_undo(yardstick)  # warm up: caches, compiled statements, the pool
        seconds: dict[str, list[float]] = {}
        sizes: dict[str, int] = {}
        totals = side_by_side(repeats, close=lambda: close_and_undo(yardstick),
                              report=lambda: _report(study_id, seconds, sizes))
        peaks = _traced_peaks(study_id)
        db.session.expire_all()
        report = build_report(db.session.get(Study, study_id), PDF_ROUND)
        started = time.perf_counter()
        with collector_paused():
            pdf_peak = _resident_peak_mb(lambda: sizes.__setitem__(
                "pdf", len(FORMATS["pdf"].render(report))))
        pdf_seconds = time.perf_counter() - started
        backend = db.engine.dialect.name
        db.engine.dispose()
    close = best(totals["close"])
    quick = best(totals["report"])
    return {
        "backend": backend,
        "repeats": repeats,
        "close_seconds": close,
        "report_seconds": quick,  # the model and every format but the PDF, best of the passes
        "format_seconds": {name: best(times) for name, times in seconds.items()},
        "pdf_seconds": pdf_seconds,
        "sizes": sizes,
        "peak_mb": peaks,
        "pdf_resident_peak_mb": pdf_peak,
        "ratio": quick / close,
        "pdf_round": PDF_ROUND,
        "pdf_ratio": pdf_seconds / close,
        "target": TARGET,
    }


def run(url: str | None, workdir: Path, repeats: int = 2, panellists: int = PANELLISTS) -> dict:
    return measure(build(url, workdir, panellists), workdir, repeats)


def verdict(ratio: float, target: float = TARGET) -> str:
    """"met (2.4x, 0.6x to spare)" or "missed by 1.2x (4.2x)": how a ratio stands."""
    if ratio <= target:
        return f"target <= {target:g}x met ({ratio:.1f}x, {target - ratio:.1f}x to spare)"
    return f"target <= {target:g}x missed by {ratio - target:.1f}x ({ratio:.1f}x)"


def describe(figures: dict) -> list[str]:
    close = figures["close_seconds"]
    lines = [f"closing round {YARDSTICK} ({ITEMS} items x {PANELLISTS:,} panellists, "
             f"stability against round {ROUNDS}): {close:.2f} s ({figures['backend']})"]
    for name, seconds in figures["format_seconds"].items():
        what = ("report model (build_report, once for all formats)" if name == "model"
                else f"{FORMATS[name].label}: {figures['sizes'][name] / 1e6:.2f} MB")
        lines.append(f"{what}: {seconds:.2f} s = {seconds / close:.2f}x closing, peak memory "
                     f"{figures['peak_mb'][name]:.0f} MB")
    resident = figures.get("pdf_resident_peak_mb")
    lines.append(f"{FORMATS['pdf'].label} of round {figures['pdf_round']} alone: "
                 f"{figures['sizes']['pdf'] / 1e6:.2f} MB: {figures['pdf_seconds']:.2f} s = "
                 f"{figures['pdf_ratio']:.1f}x closing one round, peak resident memory of the "
                 "process " + (f"{resident:.0f} MB" if resident else "not measured"))
    lines.append(f"every format but the PDF: {figures['report_seconds']:.2f} s: "
                 f"{verdict(figures['ratio'])}")
    return lines
