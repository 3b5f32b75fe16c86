"""Benchmark 1: closing a round of 200 items by 5,000 panellists against reading its ratings.

The floor is the bare query that reads the round's ratings (the very SELECT the ratings matrix
runs, every row fetched from the database cursor). ``close_round`` reads the same rows, builds
the matrix, runs the consensus engine overall and per group and writes the frozen summaries.
Each repetition rolls back, so every close works on the same open round.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from bench.timing import best, max_rss_mb, middle, peak_traced_mb, side_by_side
from delphi.extensions import db
from delphi.models import Round
from delphi.rounds.lifecycle import close_round
from delphi.rounds.matrix import ratings_statement
from tests.support import data

ITEMS, PANELLISTS, UNABLE_SHARE = 200, 5_000, 0.10
TARGET = 1.5


def build(url: str | None, workdir: Path, name: str = "closing",
          items: int = ITEMS, panellists: int = PANELLISTS) -> str:
    """A database holding one open round, every panellist submitted; returns its URL."""
    url = data.fresh_database(url, workdir, name)
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study(name, items)
        panel = data.add_panel(study, panellists)
        round_ = data.open_round_one(study)
        data.submit_all(round_, panel,
                        data.random_ratings(panellists, items, (1, 9), UNABLE_SHARE))
        db.session.commit()
        db.engine.dispose()
    return url


def bare_query(round_id: int) -> int:
    """Run the ratings matrix's SELECT and fetch every row; the number of rows."""
    result = db.session.connection().execute(ratings_statement(round_id))
    try:
        return len(result.cursor.fetchall())
    finally:
        result.close()


def close_and_undo(round_id: int) -> None:
    """Close the round (compute and freeze, flushed) and roll back so it can be closed again."""
    try:
        close_round(db.session.get(Round, round_id))
    finally:
        db.session.rollback()


def measure(url: str, workdir: Path, repeats: int) -> dict:
    """Time closing against the bare query, side by side; peak memory of each."""
    app = data.bench_app(url, workdir)
    with app.app_context():
        round_id = db.session.scalar(sa.select(Round.id).filter_by(number=1))
        rows = bare_query(round_id)  # warm up both: caches, compiled statements, the pool
        db.session.rollback()
        close_and_undo(round_id)
        times = side_by_side(repeats,
                             query=lambda: (bare_query(round_id), db.session.rollback()),
                             close=lambda: close_and_undo(round_id))
        query_peak = peak_traced_mb(lambda: (bare_query(round_id), db.session.rollback()))
        close_peak = peak_traced_mb(lambda: close_and_undo(round_id))
        backend = db.engine.dialect.name
        db.engine.dispose()
    return {
        "backend": backend,
        "ratings": rows,
        "repeats": repeats,
        "query_seconds": times["query"],
        "close_seconds": times["close"],
        "ratio": best(times["close"]) / best(times["query"]),
        "ratio_median": middle(times["close"]) / middle(times["query"]),
        "query_peak_mb": query_peak,
        "close_peak_mb": close_peak,
        "process_max_rss_mb": max_rss_mb(),
        "target": TARGET,
    }


def run(backends: dict[str, str | None], workdir: Path, repeats: int = 5) -> list[dict]:
    """Benchmark 1 on each backend: ``{"sqlite": None, "postgresql": url}``."""
    results = []
    for label, url in backends.items():
        built = build(url, workdir)
        figures = measure(built, workdir, repeats)
        figures["label"] = label
        results.append(figures)
    return results


def describe(figures: dict) -> str:
    return (f"{figures['label']}: close {best(figures['close_seconds']):.2f} s, bare query "
            f"{best(figures['query_seconds']):.2f} s ({figures['ratings']:,} ratings), ratio "
            f"{figures['ratio']:.2f} (median {figures['ratio_median']:.2f}; target <= "
            f"{TARGET}); peak traced memory close {figures['close_peak_mb']:.0f} MB, query "
            f"{figures['query_peak_mb']:.0f} MB")
