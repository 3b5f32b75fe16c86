"""The research team's preview of a round: the panellist's pages, marked as a preview, that write
nothing, for a round before it opens and for the open round."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa

from delphi.models import Round, RoundState
from delphi.rounds.lifecycle import close_round, open_round
from tests.support.pages import item_block

BANNER = "Preview of round"


def _said(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _preview(study, number: int, rest: str = "") -> str:
    return f"/console/studies/{study.slug}/rounds/{number}/preview{rest or '/'}"


def _every_row(db) -> dict[str, list]:
    """Every row of every table, to compare the database before and after."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: sorted(map(repr, connection.execute(sa.select(table)).all()))
                for table in db.metadata.sorted_tables}


def test_round_one_before_it_opens_is_shown_as_panellists_will_see_it_and_nothing_is_written(
        client, db, make_study, make_panel, login_as):
    study = make_study()
    make_panel(study, n=3)
    login_as("coordinator", studies=[study])
    before = _every_row(db)

    welcome = client.get(_preview(study, 1))
    section = client.get(_preview(study, 1, "/section/1"))
    item_id = re.search(r'name="rating-(\d+)"', section.get_data(as_text=True)).group(1)
    posted = client.post(_preview(study, 1, "/section/1"),
                         data={f"rating-{item_id}": "7", f"comment-{item_id}": "Typed in preview",
                               "action": "next"})
    autosaved = client.post(_preview(study, 1, "/autosave"), data={f"rating-{item_id}": "3"})
    review = client.get(_preview(study, 1, "/review"))
    submitted = client.post(_preview(study, 1, "/submit"), follow_redirects=True)

    assert welcome.status_code == 200
    assert "Preview of round 1 as a panellist will see it" in _said(welcome)
    assert "Round 1 of the consultation" in _said(welcome)
    assert "Rated 0 of 6" in _said(welcome)
    assert section.status_code == 200 and "Guidance item 1.1." in _said(section)
    # The page's links and its autosave lead through the preview, never to a personal link.
    page = section.get_data(as_text=True)
    assert f'data-autosave="/console/studies/{study.slug}/rounds/1/preview/autosave"' in page
    assert "/p/" not in page
    assert posted.status_code == 302
    assert posted.headers["Location"].endswith(_preview(study, 1, "/section/2"))
    assert autosaved.status_code == 200 and autosaved.json["status"] == "preview"
    assert autosaved.json["message"] == "This is a preview: nothing was saved."
    assert review.status_code == 200 and "Review and submit round 1" in _said(review)
    assert submitted.status_code == 200
    assert "This is a preview: nothing was submitted." in _said(submitted)
    assert _every_row(db) == before
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 0


def test_the_open_round_two_shows_the_frozen_feedback_and_writes_nothing(client, db, round_two,
                                                                          login_as):
    setting = round_two()
    login_as("coordinator", studies=[setting.study])
    before = _every_row(db)
    section = client.get(_preview(setting.study, 2, "/section/1"))
    said = _said(section)
    assert section.status_code == 200
    assert "Preview of round 2 as a panellist sees it" in said
    # S1.1 in round 1: 2 5 7 8 8 9 -> median 7.5, quartiles 5.5 and 8 (tests/questionnaire/conftest)
    block = " ".join(html.unescape(re.sub(r"<[^>]+>", " ",
                                          item_block(section.get_data(as_text=True), "S1.1"))).split())
    assert "How the panel rated this item in round 1" in block
    assert "Median 7.5 · middle half 5.5–8" in block
    assert "Guidance item 1.2, said more clearly." in said
    autosaved = client.post(_preview(setting.study, 2, "/autosave"),
                            data={f"rating-{setting.item('S1.1').id}": "9"})
    assert autosaved.json["status"] == "preview"
    assert _every_row(db) == before


def test_round_two_before_it_opens_is_built_from_the_review_and_never_stored(
        client, db, round_one, submit, login_as):
    setting = round_one()
    for k, panellist in enumerate(setting.panel):
        submit(setting.round, panellist, {ri.code: [2, 5, 7, 8, 8, 9][k]
                                          for ri in setting.round.round_items})
    close_round(setting.round)
    db.session.commit()
    login_as("coordinator", studies=[setting.study])
    before = _every_row(db)
    section = client.get(_preview(setting.study, 2, "/section/1"))
    said = _said(section)
    assert section.status_code == 200
    assert "Preview of round 2 as a panellist will see it" in said
    assert "Median 7.5 · middle half 5.5–8" in said
    assert _every_row(db) == before
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 1


def test_only_the_studys_staff_may_preview_and_only_a_round_that_can_be_answered(
        app, client, db, make_study, login_as, round_one):
    setting = round_one()
    other = make_study(slug="other-study")
    db.session.commit()
    url = _preview(setting.study, 1)

    def status(path: str) -> int:
        with app.app_context():  # each request its own context, as in production
            return client.get(path).status_code

    anonymous = app.test_client()
    with app.app_context():
        sent = anonymous.get(url)
    assert sent.status_code == 302 and "/login" in sent.headers["Location"]
    login_as("coordinator", studies=[other])
    assert status(url) == 404
    login_as("coordinator", studies=[setting.study], email="team@example.org")
    assert status(url) == 200
    close_round(setting.round)
    db.session.commit()
    assert status(url) == 404  # closed: its review shows what it was
    assert status(_preview(setting.study, 5)) == 404


def test_the_rounds_page_links_to_the_preview(client, db, make_study, login_as):
    study = make_study()
    login_as("coordinator", studies=[study])
    page = client.get(f"/console/studies/{study.slug}/rounds/").get_data(as_text=True)
    assert f'href="{_preview(study, 1)}">Preview round 1 as panellists will see it</a>' in page
    open_round(study)
    db.session.commit()
    page = client.get(f"/console/studies/{study.slug}/rounds/").get_data(as_text=True)
    assert f'href="{_preview(study, 1)}">Preview round 1 as panellists see it</a>' in page
