"""Benchmark: importing 400,000 responses (200 items x 2,000 panellists, 10% unable to rate).

The floor is the bare bulk insert of the same rows on the same database: the ratings inserted
by the fastest means the database offers (COPY on PostgreSQL, one prepared INSERT run over
every row on SQLite) and the responses marked submitted. ``import_responses`` also reads and
checks the CSV file (every row against the panel, the round's items and the scale), so that
either the whole file is stored or nothing is. Each repetition rolls back.
"""
from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from bench.timing import peak_traced_mb
from delphi.extensions import db
from delphi.importing import COMMAND_LINE_MAX_FILE_BYTES
from delphi.models import Item, Round, Study
from delphi.rounds.responses_import import import_responses
from tests.support import data

ITEMS, PANELLISTS, UNABLE_SHARE = 200, 2_000, 0.10
TARGET_ROWS_PER_SECOND = 50_000


def build(url: str | None, workdir: Path, items: int = ITEMS,
          panellists: int = PANELLISTS) -> tuple[str, bytes, np.ndarray]:
    """A database with round 1 open and nobody answered; the CSV file and its ratings."""
    url = data.fresh_database(url, workdir, "responses")
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study("responses", items)
        data.add_panel(study, panellists)
        data.open_round_one(study)
        codes = [item.code for item in sorted(study.items,
                                              key=lambda i: (i.section.position, i.position))]
        db.session.commit()
        db.engine.dispose()
    ratings = data.random_ratings(panellists, items, (1, 9), UNABLE_SHARE)
    out = io.StringIO()
    out.write("email,item,rating\n")
    for p in range(panellists):
        email = f"panellist{p + 1}@example.org"
        for i, code in enumerate(codes):
            value = ratings[p, i]
            out.write(f"{email},{code},{'U' if value == data.UNABLE else value}\n")
    return url, out.getvalue().encode(), ratings


def bare_insert(round_id: int, ratings: np.ndarray) -> int:
    """Insert the same ratings and mark the responses submitted, by the fastest bulk means."""
    responses = db.metadata.tables["response"]
    panellists = db.metadata.tables["panellist"]
    study_id = db.session.scalar(sa.select(Round.study_id).where(Round.id == round_id))
    panel = list(db.session.scalars(sa.select(panellists.c.id)
                                    .where(panellists.c.study_id == study_id)
                                    .order_by(panellists.c.id)))
    item_ids = list(db.session.scalars(
        sa.select(db.metadata.tables["round_item"].c.id)
        .where(db.metadata.tables["round_item"].c.round_id == round_id)
        .order_by(db.metadata.tables["round_item"].c.position)))
    now = sa.func.now()
    db.session.execute(responses.insert(), [
        {"round_id": round_id, "panellist_id": pid, "status": "submitted", "imported": True,
         "invited_at": None} for pid in panel])
    db.session.execute(responses.update().where(responses.c.round_id == round_id)
                       .values(saved_at=now, submitted_at=now, opened_at=now))
    response_of = dict(db.session.execute(
        sa.select(responses.c.panellist_id, responses.c.id)
        .where(responses.c.round_id == round_id)).all())
    rows = data.rating_rows([response_of[pid] for pid in panel], item_ids, ratings)
    data.insert_ratings(rows)
    return len(rows)


def measure(url: str, workdir: Path, csv: bytes, ratings: np.ndarray, repeats: int) -> dict:
    """Import the file and bulk-insert its rows, side by side, rolling back each time."""
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = db.session.scalar(sa.select(Study).where(Study.slug == "responses"))
        round_id = db.session.scalar(sa.select(Round.id).where(Round.study_id == study.id))
        db.session.rollback()
        times: dict[str, list[float]] = {"import": [], "bare": []}
        rows = 0
        for repeat in range(repeats):
            order = ("import", "bare") if repeat % 2 == 0 else ("bare", "import")
            for name in order:
                study = db.session.scalar(sa.select(Study).where(Study.slug == "responses"))
                started = time.perf_counter()
                if name == "import":
                    rows = import_responses(study, csv, "responses.csv", max_bytes=COMMAND_LINE_MAX_FILE_BYTES).answers
                else:
                    bare_insert(round_id, ratings)
                db.session.flush()
                times[name].append(time.perf_counter() - started)
                db.session.rollback()
        study = db.session.scalar(sa.select(Study).where(Study.slug == "responses"))
        import_peak = peak_traced_mb(lambda: import_responses(study, csv, "responses.csv", max_bytes=COMMAND_LINE_MAX_FILE_BYTES))
        db.session.rollback()
        bare_peak = peak_traced_mb(lambda: bare_insert(round_id, ratings))
        db.session.rollback()
        items = db.session.scalar(sa.select(sa.func.count(Item.id)))
        db.engine.dispose()
    best_import, best_bare = min(times["import"]), min(times["bare"])
    return {
        "backend": url.split(":", 1)[0].split("+", 1)[0],
        "rows": rows,
        "items": items,
        "file_mb": len(csv) / 1e6,
        "import_s": best_import,
        "bare_s": best_bare,
        "rows_per_second": rows / best_import,
        "ratio": best_import / best_bare,
        "import_peak_mb": import_peak,
        "bare_peak_mb": bare_peak,
        "repeats": repeats,
        "target": TARGET_ROWS_PER_SECOND,
    }


def run(backends: dict[str, str | None], workdir: Path, repeats: int = 3) -> list[dict]:
    """The benchmark on each database (name: URL, None for SQLite)."""
    rows = []
    for name, url in backends.items():
        built, csv, ratings = build(url, workdir)
        rows.append({"database": name, **measure(built, workdir, csv, ratings, repeats)})
    return rows


def describe(f: dict) -> str:
    return (f"{f['database']}: {f['rows']:,} rows ({f['file_mb']:.1f} MB) imported in "
            f"{f['import_s']:.2f} s, {f['rows_per_second']:,.0f} rows/s (target >= "
            f"{f['target']:,}); bare insert {f['bare_s']:.2f} s, ratio {f['ratio']:.2f}; "
            f"peak memory {f['import_peak_mb']:.0f} MB / {f['bare_peak_mb']:.0f} MB")
