"""Benchmark 4: a full report (HTML, XLSX, CSV) of 3 rounds of 200 items by 1,000 panellists.

Each round is rated by every panellist, mid-scale so that every item is carried forward, and
closed through ``close_round``; the time of closing round 3 (with stability against round 2)
is the yardstick the report's time is divided by.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from bench.closing import close_and_undo
from bench.timing import best, peak_traced_mb, side_by_side, timed
from delphi.extensions import db
from delphi.models import Round, Study
from delphi.reports import export
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from tests.support import data

ROUNDS, ITEMS, PANELLISTS = 3, 200, 1_000
FORMATS = ("html", "xlsx", "csv")
TARGET = 3.0  # the full report within this many times closing one round


def build(url: str | None, workdir: Path, panellists: int = PANELLISTS) -> str:
    """Rounds 1 and 2 closed, round 3 rated and still open."""
    url = data.fresh_database(url, workdir, "report")
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study("report", ITEMS)
        panel = data.add_panel(study, panellists)
        round_ = data.open_round_one(study)
        for number in range(1, ROUNDS + 1):
            ratings = data.random_ratings(panellists, ITEMS, (1, 9), 0.1, seed=data.SEED + number,
                                          centres=(4.5, 5.5))
            data.submit_all(round_, panel, ratings, comment_every=50)
            if number < ROUNDS:
                close_round(round_)
                round_ = launch_next_round(study)
            db.session.commit()
        db.engine.dispose()
    return url


def measure(url: str, workdir: Path, repeats: int) -> dict:
    app = data.bench_app(url, workdir)
    with app.app_context():
        last = db.session.scalar(sa.select(Round.id).filter_by(number=ROUNDS))
        close_seconds = side_by_side(repeats, close=lambda: close_and_undo(last))["close"]
        close_round(db.session.get(Round, last))
        db.session.commit()
        study_id = db.session.scalar(sa.select(Study.id))
        sizes: dict[str, int] = {}

        def report(name: str) -> None:
            db.session.expire_all()
            sizes[name] = len(export(db.session.get(Study, study_id), name))

        format_seconds = {name: [timed(lambda name=name: report(name)) for _ in range(repeats)]
                          for name in FORMATS}
        peaks = {name: peak_traced_mb(lambda name=name: report(name)) for name in FORMATS}
        backend = db.engine.dialect.name
        db.engine.dispose()
    close = best(close_seconds)
    total = sum(best(times) for times in format_seconds.values())
    return {
        "backend": backend,
        "close_seconds": close,
        "format_seconds": {name: best(times) for name, times in format_seconds.items()},
        "sizes": sizes,
        "report_seconds": total,
        "ratio": total / close,
        "peak_mb": peaks,
        "target": TARGET,
    }


def run(url: str | None, workdir: Path, repeats: int = 2, panellists: int = PANELLISTS) -> dict:
    return measure(build(url, workdir, panellists), workdir, repeats)


def describe(figures: dict) -> list[str]:
    parts = ", ".join(f"{name.upper()} {seconds:.2f} s ({figures['sizes'][name] / 1e6:.1f} MB, "
                      f"peak memory {figures['peak_mb'][name]:.0f} MB)"
                      for name, seconds in figures["format_seconds"].items())
    return [f"closing round {ROUNDS}: {figures['close_seconds']:.2f} s",
            f"report: {parts}",
            f"full report / closing one round: {figures['ratio']:.1f} (target <= {TARGET})"]
