"""Benchmark data: a freshly migrated database and a study whose rounds are filled in bulk.

The study, its items and its rounds go through the models (a few hundred rows); panellists,
responses and the million ratings go in with executemany (SQLite) or COPY (PostgreSQL), so
building the data takes seconds rather than the minutes the ORM would need.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from delphi import create_app
from delphi.consensus import UNABLE
from delphi.extensions import db
from delphi.models import Item, Round, RoundItem, RoundState, Section, Study, StudyStatus, utcnow
from delphi.panel.tokens import issue_token
from delphi.rounds import tally
from delphi.studies.consensus import consensus_settings

GROUPS = ("Clinicians", "Researchers", "People who use services")
SEED = 20240601


def bench_app(url: str, instance: Path) -> Flask:
    """The app on ``url`` with fixed test-like settings (no rate limits, no CSRF)."""
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "INSTANCE_PATH": str(instance),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://127.0.0.1",
    })


def fresh_database(url: str | None, workdir: Path, name: str) -> str:
    """An empty, migrated database: a new SQLite file, or ``url`` with its schema dropped."""
    if url is None:
        url = f"sqlite:///{workdir / f'{name}.sqlite3'}"
    else:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = bench_app(url, Path(tempfile.mkdtemp(dir=workdir)))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def make_study(slug: str, items: int, sections: int = 10, **options) -> Study:
    """A study with ``items`` items spread over ``sections`` sections (flushed)."""
    study = Study(slug=slug, title=f"Benchmark study {slug}", description="For benchmarks.",
                  contact="research.team@example.org",
                  scale_labels={"1": "Not important", "9": "Critical"}, **options)
    db.session.add(study)
    per_section = -(-items // sections)
    for s in range(sections):
        section = Section(study=study, code=f"S{s + 1}", title=f"Section {s + 1}",
                          position=s + 1)
        db.session.add(section)
        for i in range(s * per_section, min(items, (s + 1) * per_section)):
            db.session.add(Item(study=study, section=section, code=f"S{s + 1}.{i + 1}",
                                text=f"Guidance statement number {i + 1} for the benchmark.",
                                position=i + 1))
    db.session.flush()
    return study


def add_panel(study: Study, count: int) -> list[int]:
    """Insert ``count`` panellists, with working personal links, in one statement; their ids."""
    now = utcnow()
    rows = []
    for k in range(1, count + 1):
        link = SimpleNamespace()
        issue_token(link)  # sets the nonce and the token's hash, as for a real panellist
        rows.append({
            "study_id": study.id, "pseudonym": f"P{k:05d}", "name": f"Panellist {k}",
            "email": f"panellist{k}@example.org", "group": GROUPS[k % len(GROUPS)],
            "token_nonce": link.token_nonce, "token_hash": link.token_hash, "created_at": now,
        })
    table = db.metadata.tables["panellist"]
    db.session.execute(table.insert(), rows)
    return list(db.session.scalars(
        sa.select(table.c.id).where(table.c.study_id == study.id).order_by(table.c.id)))


def open_round_one(study: Study) -> Round:
    """Round 1 opened with every item, without queueing one invitation per panellist."""
    round_ = Round(study=study, number=1, state=RoundState.OPEN, opened_at=utcnow(),
                   settings=consensus_settings(study).to_dict())
    db.session.add(round_)
    ordered = sorted(study.items, key=lambda i: (i.section.position, i.position))
    for position, item in enumerate(ordered):
        round_.round_items.append(RoundItem(item=item, section_id=item.section_id,
                                            code=item.code, text=item.text, position=position))
    study.status = StudyStatus.RUNNING
    db.session.flush()
    return round_


def random_ratings(panellists: int, items: int, scale: tuple[int, int], unable_share: float,
                   seed: int = SEED, centres: tuple[float, float] | None = None) -> np.ndarray:
    """Ratings on the scale, each item leaning its own way, with a share unable to rate.

    Each item's ratings centre on a point drawn from ``centres`` (default: the whole scale;
    a range in the middle keeps every item short of consensus).
    """
    rng = np.random.default_rng(seed)
    low, high = scale
    centre = rng.uniform(*(centres or scale), size=items)
    ratings = np.clip(np.rint(rng.normal(centre, 1.8, size=(panellists, items))), low, high)
    ratings = ratings.astype(np.int16)
    ratings[rng.random((panellists, items)) < unable_share] = UNABLE
    return ratings


def submit_all(round_: Round, panellist_ids: list[int], ratings: np.ndarray,
               comment_every: int = 0) -> None:
    """Every panellist submits the round: responses marked submitted, ratings bulk inserted.

    ``ratings`` has one row per panellist and one column per round item (UNABLE allowed);
    with ``comment_every`` set, every n-th rating carries a comment.
    """
    now = utcnow()
    responses = db.metadata.tables["response"]
    existing = set(db.session.scalars(
        sa.select(responses.c.panellist_id).where(responses.c.round_id == round_.id)))
    missing = [{"round_id": round_.id, "panellist_id": pid, "status": "invited",
                "invited_at": now, "imported": False}
               for pid in panellist_ids if pid not in existing]
    if missing:
        db.session.execute(responses.insert(), missing)
    db.session.execute(responses.update().where(responses.c.round_id == round_.id)
                       .values(status="submitted", saved_at=now, submitted_at=now))
    response_of = dict(db.session.execute(
        sa.select(responses.c.panellist_id, responses.c.id)
        .where(responses.c.round_id == round_.id)).all())
    item_ids = [ri.id for ri in sorted(round_.round_items, key=lambda ri: ri.position)]
    rows = rating_rows([response_of[pid] for pid in panellist_ids], item_ids, ratings,
                       comment_every)
    insert_ratings(rows)
    tally.recount(round_)  # as an import of answers does
    # Fresh statistics for the planner, as autovacuum would gather soon after such a load.
    db.session.connection().exec_driver_sql("ANALYZE")


def insert_ratings(rows: list[tuple]) -> None:
    """Insert (response_id, round_item_id, value, unable, comment) rows by the fastest bulk
    means of the database: COPY on PostgreSQL, one prepared INSERT over every row on SQLite."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor.copy("COPY rating (response_id, round_item_id, value, unable, comment) "
                         "FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        connection.exec_driver_sql(
            "INSERT INTO rating (response_id, round_item_id, value, unable, comment) "
            "VALUES (?, ?, ?, ?, ?)", rows)
    db.session.flush()


def rating_rows(response_ids: list[int], item_ids: list[int], ratings: np.ndarray,
                comment_every: int = 0) -> list[tuple]:
    """Rating rows for ``insert_ratings``: one per panellist and item, UNABLE as unable."""
    rows = []
    counter = 0
    for response_id, values in zip(response_ids, ratings.tolist()):
        for item_id, value in zip(item_ids, values):
            counter += 1
            comment = (f"Comment {counter} on this statement."
                       if comment_every and counter % comment_every == 0 else None)
            if value == UNABLE:
                rows.append((response_id, item_id, None, True, comment))
            else:
                rows.append((response_id, item_id, value, False, comment))
    return rows
