"""Benchmark: the open round's dashboard and the closed round's review at 20,000 panellists x
200 items (4,000,000 ratings, a tenth unable to rate, a comment on one rating in 50).

Each page is requested through the test client as a signed-in administrator: timed (best of the
repetitions), its statements counted and its peak traced memory measured. The dashboard is read
while round 1 is open, the review once it is closed. Both pages keep what they read from the
ratings (the counts so far, the remarks) until it changes, so the first visit, which reads it,
is timed apart from the repetitions, which find it kept.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from bench.timing import peak_traced_mb, side_by_side
from delphi.extensions import db
from delphi.models import Round
from delphi.rounds.kept import forget
from delphi.rounds.lifecycle import close_round
from tests.support import data
from tests.support.statements import counting, sign_in_admin

PANELLISTS, ITEMS = 20_000, 200
TARGET = 0.3  # seconds
SLUG = "console-pages"


def build(url: str | None, workdir: Path, panellists: int, items: int) -> str:
    url = data.fresh_database(url, workdir, SLUG)
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study(SLUG, items, group_feedback=True, min_group_size=3)
        panel = data.add_panel(study, panellists)
        round_ = data.open_round_one(study)
        data.submit_all(round_, panel, data.random_ratings(panellists, items, (1, 9), 0.1),
                        comment_every=50)
        db.session.commit()
        db.engine.dispose()
    return url


def _timed_page(client, path: str, repeats: int) -> dict:
    def request() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise AssertionError(f"GET {path} answered {response.status_code}")
        db.session.remove()

    request()  # templates compiled
    forget()  # nothing kept from the ratings: the first visit after a change reads them
    first = side_by_side(1, page=request)["page"][0]
    times = side_by_side(repeats, page=request)
    with counting() as statements:
        request()
    return {"seconds": min(times["page"]), "first_seconds": first, "statements": len(statements),
            "peak_mb": peak_traced_mb(request)}


def measure(url: str, workdir: Path, repeats: int) -> dict:
    app = data.bench_app(url, workdir)
    with app.app_context():
        client = app.test_client()
        sign_in_admin(client)
        base = f"/console/studies/{SLUG}/rounds"
        pages = {"dashboard": _timed_page(client, f"{base}/", repeats)}
        close_round(db.session.scalar(sa.select(Round).filter_by(number=1)))
        db.session.commit()
        pages["review"] = _timed_page(client, f"{base}/1/review", repeats)
        ratings = db.session.scalar(sa.text("SELECT count(*) FROM rating"))
        db.session.remove()
        db.engine.dispose()
    return {"pages": pages, "ratings": ratings, "repeats": repeats, "target": TARGET}


def run(backends: dict[str, str | None], workdir: Path, repeats: int = 3,
        panellists: int = PANELLISTS, items: int = ITEMS) -> list[dict]:
    return [{"database": name, "panellists": panellists, "items": items,
             **measure(build(url, workdir, panellists, items), workdir, repeats)}
            for name, url in backends.items()]


def describe(f: dict) -> list[str]:
    return [f"{f['database']}: {name} at {f['panellists']:,} panellists x {f['items']} items "
            f"{p['seconds']:.3f} s (target < {f['target']} s; first visit, reading the ratings, "
            f"{p['first_seconds']:.3f} s), {p['statements']} statements, "
            f"peak memory {p['peak_mb']:.1f} MB" for name, p in f["pages"].items()]
