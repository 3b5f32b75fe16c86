"""Benchmark: the open round's dashboard and the closed round's review at 20,000 panellists x
200 items (4,000,000 ratings, a tenth unable to rate, a comment on one rating in 50).

Each page is requested through the test client as a signed-in administrator: timed (best of the
repetitions), its statements counted and its peak traced memory measured. The dashboard is read
while round 1 is open, the review once it is closed. Each page's FIRST visit is timed apart (best
of as many, each prepared afresh) and held to the same target: the dashboard's right after a
panellist submits again with other ratings (the submission is timed too: it keeps the rating
tally), the review's with nothing kept by the app, as after a restart (it reads the remarks
stored when the round closed).
"""
from __future__ import annotations

import itertools
from pathlib import Path

import sqlalchemy as sa

from bench.timing import peak_traced_mb, side_by_side, timed
from delphi.extensions import db
from delphi.models import Response, Round
from delphi.rounds.answers import Answer, save_answers
from delphi.rounds.kept import forget
from delphi.rounds.lifecycle import close_round
from tests.support import data
from tests.support.statements import counting, sign_in_admin

PANELLISTS, ITEMS = 20_000, 200
TARGET = 0.3  # seconds
SLUG = "console-pages"
_SUBMISSIONS = itertools.count(1)


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


def _resubmit_one() -> float:
    """A panellist submits round 1 again with every rating changed; the seconds it took."""
    round_ = db.session.scalar(sa.select(Round).filter_by(number=1))
    response = db.session.scalar(
        sa.select(Response).where(Response.round_id == round_.id).order_by(Response.id).limit(1))
    items = sorted(round_.round_items, key=lambda ri: ri.position)
    shift = next(_SUBMISSIONS)  # other ratings each time
    answers = [Answer(ri.id, value=1 + (k + shift) % 9) for k, ri in enumerate(items)]
    seconds = timed(lambda: (save_answers(response, answers, submit=True), db.session.commit()))
    db.session.remove()
    return seconds


def _timed_page(client, path: str, repeats: int, before_first=None) -> dict:
    def request() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise AssertionError(f"GET {path} answered {response.status_code}")
        db.session.remove()

    request()  # templates compiled
    firsts, changes = [], []
    for _ in range(repeats):
        forget()  # nothing kept by this app: as after a restart
        if before_first:
            changes.append(before_first())
        firsts.append(timed(request))
    times = side_by_side(repeats, page=request)
    with counting() as statements:
        request()
    return {"seconds": min(times["page"]), "first_seconds": min(firsts),
            "statements": len(statements), "peak_mb": peak_traced_mb(request),
            "submit_seconds": min(changes) if changes else None}


def measure(url: str, workdir: Path, repeats: int) -> dict:
    app = data.bench_app(url, workdir)
    with app.app_context():
        client = app.test_client()
        sign_in_admin(client)
        base = f"/console/studies/{SLUG}/rounds"
        pages = {"dashboard": _timed_page(client, f"{base}/", repeats, before_first=_resubmit_one)}
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


FIRST_VISIT = {"dashboard": "first visit after a submission",
               "review": "first visit after a restart"}


def _met(seconds: float, target: float) -> str:
    return "met" if seconds < target else f"MISSED by {seconds - target:.3f} s"


def describe(f: dict) -> list[str]:
    lines = []
    for name, p in f["pages"].items():
        lines.append(
            f"{f['database']}: {name} at {f['panellists']:,} panellists x {f['items']} items: "
            f"{FIRST_VISIT[name]} {p['first_seconds']:.3f} s "
            f"({_met(p['first_seconds'], f['target'])}), repeat visit {p['seconds']:.3f} s "
            f"({_met(p['seconds'], f['target'])}; target < {f['target']} s), "
            f"{p['statements']} statements, peak memory {p['peak_mb']:.1f} MB")
        if p.get("submit_seconds") is not None:
            lines.append(f"{f['database']}: the submission before it (200 ratings changed, the "
                         f"tally kept) {p['submit_seconds']:.3f} s")
    return lines
