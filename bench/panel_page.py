"""Benchmark: the Panel page at 20,000 panellists, round 1 open (a response for each).

The first page, a search by text, a search by status and the last page are requested through
the test client as a signed-in administrator; each is timed (best of the repetitions), its
statements counted and its peak traced memory measured.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.timing import peak_traced_mb, side_by_side
from delphi.extensions import db
from delphi.models import Study, utcnow
from delphi.rounds.lifecycle import open_round
from tests.support import data
from tests.support.statements import counting, sign_in_admin

PANELLISTS, ITEMS = 20_000, 20
TARGET = 0.25  # seconds
PAGES = {"first page": "", "search by text": "?text=panellist1999",
         "search by status": "?status=active&page=50", "last page": "?page=200"}


def build(url: str | None, workdir: Path, panellists: int = PANELLISTS) -> str:
    url = data.fresh_database(url, workdir, "panel-page")
    app = data.bench_app(url, workdir)
    with app.app_context():
        study = data.make_study("panel-page", ITEMS)
        data.add_panel(study, panellists)
        open_round(study, closes_at=utcnow() + timedelta(days=7))
        db.session.commit()
        db.engine.dispose()
    return url


def measure(url: str, workdir: Path, repeats: int) -> dict:
    app = data.bench_app(url, workdir)
    with app.app_context():
        client = app.test_client()
        sign_in_admin(client)
        slug = db.session.scalar(sa.select(Study.slug).where(Study.slug == "panel-page"))
        base = f"/console/studies/{slug}/panel"

        def get(query: str):
            def request() -> None:
                response = client.get(base + query)
                if response.status_code != 200:
                    raise AssertionError(f"GET {base + query} answered {response.status_code}")
                db.session.remove()
            return request

        for query in PAGES.values():
            get(query)()  # templates compiled, caches warm
        times = side_by_side(repeats, **{name: get(query) for name, query in PAGES.items()})
        figures = {}
        for name, query in PAGES.items():
            with counting() as statements:
                get(query)()
            figures[name] = {"seconds": min(times[name]), "statements": len(statements),
                             "peak_mb": peak_traced_mb(get(query))}
        panellists = db.session.scalar(sa.text("SELECT count(*) FROM panellist"))
        db.session.remove()
        db.engine.dispose()
    return {"pages": figures, "panellists": panellists, "repeats": repeats, "target": TARGET}


def run(backends: dict[str, str | None], workdir: Path, repeats: int = 5,
        panellists: int = PANELLISTS) -> list[dict]:
    return [{"database": name, **measure(build(url, workdir, panellists), workdir, repeats)}
            for name, url in backends.items()]


def describe(f: dict) -> list[str]:
    return [f"{f['database']}: {name} at {f['panellists']:,} panellists {p['seconds']:.3f} s "
            f"(target < {f['target']} s), {p['statements']} statements, peak memory "
            f"{p['peak_mb']:.1f} MB" for name, p in f["pages"].items()]
