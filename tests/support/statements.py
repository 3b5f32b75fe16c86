"""Counting the SQL statements the app's engine runs: the tests' ``count_queries`` fixture, the
statements-per-page figures tests/system/scale asserts and ``make bench`` (bench/statements.py)
prints. The same study is built at two sizes (10 and 200 items, five panellists, ratings spread so
no item reaches consensus); the counts must not depend on the number of items."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask.testing import FlaskClient

from delphi.extensions import db
from delphi.models import Panellist, Role, Round, StaffUser, Study, utcnow
from delphi.panel.tokens import issue_token, token_for
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round
from tests.support import data


@contextmanager
def counting() -> list[str]:
    """Collect every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


SIZES = (10, 200)
SPREAD = (1, 3, 5, 7, 9)  # one rating per panellist: no consensus, every item carried forward
Counting = Callable[[], AbstractContextManager[list[str]]]


def sign_in_admin(client: FlaskClient) -> None:
    """A staff administrator signed in on ``client`` (session cookie set directly)."""
    user = StaffUser(email="bench-admin@example.org", name="Bench admin", role=Role.ADMIN)
    user.set_password("bench password not for production")
    db.session.add(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _count(client: FlaskClient, path: str, count: Counting) -> int:
    db.session.expire_all()  # nothing served from what earlier requests loaded
    with count() as statements:
        response = client.get(path)
    if response.status_code != 200:
        raise AssertionError(f"GET {path} answered {response.status_code}")
    return len(statements)


def statements_per_page(client: FlaskClient, items: int, count: Counting = counting) -> dict:
    """Statements run by each page for a study of ``items`` items; the admin must be signed in."""
    slug = f"statements-{items}"
    study = data.make_study(slug, items, group_feedback=True, min_group_size=3,
                            reason_outside_iqr=True)
    panel = []
    for k, rating in enumerate(SPREAD, start=1):
        panellist = Panellist(study=study, pseudonym=f"P{k:03d}", name=f"Panellist {k}",
                              email=f"panellist{k}@example.org", group=data.GROUPS[k % 2])
        issue_token(panellist)
        db.session.add(panellist)
        panel.append((panellist, rating))
    round_one = open_round(study, closes_at=utcnow() + timedelta(days=7))
    for panellist, rating in panel[:4]:
        save_answers(response_for(round_one, panellist),
                     [Answer(ri.id, value=rating, comment=f"Why {rating}")
                      for ri in round_one.round_items], submit=True)
    db.session.commit()
    study_id, round_one_id = study.id, round_one.id
    panel_ids = [panellist.id for panellist, _ in panel]
    counts = {"dashboard": _count(client, _console(slug, "rounds.dashboard"), count)}

    round_one = db.session.get(Round, round_one_id)
    last = db.session.get(Panellist, panel_ids[4])
    save_answers(response_for(round_one, last),
                 [Answer(ri.id, value=SPREAD[4]) for ri in round_one.round_items], submit=True)
    close_round(round_one)
    db.session.commit()
    counts["review"] = _count(client, _console(slug, "rounds.review", number=1), count)

    launch_next_round(db.session.get(Study, study_id), closes_at=utcnow() + timedelta(days=7))
    db.session.commit()
    base = f"/p/{token_for(db.session.get(Panellist, panel_ids[0]))}"
    pages = {"welcome": base, "questionnaire section": f"{base}/round/2/section/1",
             "questionnaire review": f"{base}/round/2/review", "my answers": f"{base}/answers"}
    for path in pages.values():
        client.get(path)  # the first visit marks the response opened
    counts.update({name: _count(client, path, count) for name, path in pages.items()})
    return counts


def _console(slug: str, endpoint: str, **values) -> str:
    from flask import current_app

    with current_app.test_request_context():
        return url_for(endpoint, slug=slug, **values)


PANEL_SIZES = (20, 300)


def console_statements_by_panel(client: FlaskClient, panellists: int, items: int = 20,
                                count: Counting = counting) -> dict[str, int]:
    """Statements run by the open round's dashboard and the closed round's review for a study
    of ``panellists`` panellists who all submitted (comments on some ratings, a tenth unable to
    rate); the admin must be signed in."""
    slug = f"panel-{panellists}"
    study = data.make_study(slug, items, group_feedback=True, min_group_size=3,
                            reason_outside_iqr=True)
    panel = data.add_panel(study, panellists)
    round_ = data.open_round_one(study)
    data.submit_all(round_, panel, data.random_ratings(panellists, items, (1, 9), 0.1),
                    comment_every=7)
    db.session.commit()
    round_id = round_.id
    counts = {"dashboard": _count(client, _console(slug, "rounds.dashboard"), count)}
    close_round(db.session.get(Round, round_id))
    db.session.commit()
    counts["review"] = _count(client, _console(slug, "rounds.review", number=1), count)
    return counts
