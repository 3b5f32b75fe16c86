"""Tampered forms and URLs with CSRF protection on, as in production: each is refused with a 400
that says what was wrong, and nothing is stored."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from delphi.models import AuditEvent, Rating, Suggestion
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def two_studies(db, make_study, make_panel, make_staff):
    mine = make_study(slug="mine")
    a, b = make_panel(mine, n=2)
    theirs = make_study(slug="theirs")
    (stranger,) = make_panel(theirs, n=1)
    round_mine, round_theirs = open_round(mine), open_round(theirs)
    make_staff(email="coord@example.org", role="coordinator", studies=[mine],
               password="a good long password")
    db.session.commit()
    return {"a": a, "b": b, "mine": round_mine, "theirs": round_theirs}


def _form(client, path: str) -> tuple[str, list[int]]:
    page = client.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return csrf, sorted({int(i) for i in re.findall(r'name="rating-(\d+)"', page)})


def _stored(db) -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Rating, Suggestion, AuditEvent))


def test_tampered_answer_forms_are_refused_and_store_nothing(client, db, two_studies):
    path = f"/p/{token_for(two_studies['a'])}/round/1/section/1"
    csrf, items = _form(client, path)
    b_rating_of_other_round = two_studies["theirs"].round_items[0].id
    cases = [
        ({f"rating-{items[0]}": "5"}, "security token is missing"),
        ({"csrf_token": "forged", f"rating-{items[0]}": "5"}, "security token is missing or wrong"),
        ({"csrf_token": csrf, f"rating-{items[0]}": "10"}, "outside the scale 1 to 9"),
        ({"csrf_token": csrf, f"rating-{items[0]}": "0"}, "outside the scale 1 to 9"),
        ({"csrf_token": csrf, f"rating-{items[0]}": "5.5"}, "is not a point on the scale"),
        ({"csrf_token": csrf, f"rating-{b_rating_of_other_round}": "5"}, "is not in round 1"),
        ({"csrf_token": csrf, "rating-999999": "5"}, "Item 999999 is not in round 1"),
        ({"csrf_token": csrf, "panellist_id": str(two_studies["b"].id)},
         "panellist_id&#39; is not part of this questionnaire"),
        ({"csrf_token": csrf, f"comment-{items[0]}": "x" * 4001}, "longer than 4000 characters"),
    ]
    before = _stored(db)
    for form, message in cases:
        response = client.post(path, data=form)
        assert response.status_code == 400, form
        assert message in response.get_data(as_text=True), (form, message)
    assert _stored(db) == before


def test_another_panellists_link_cannot_be_used_with_my_session(client, db, two_studies):
    """The session holds no identity: a form posted to B's link with A's CSRF token works only
    as B, which is to say only with B's link (the token is the credential)."""
    mine = f"/p/{token_for(two_studies['a'])}/round/1/section/1"
    csrf, items = _form(client, mine)
    before = _stored(db)
    response = client.post(f"/p/{token_for(two_studies['a'])}X/round/1/section/1",
                           data={"csrf_token": csrf, f"rating-{items[0]}": "5"})
    assert response.status_code == 404
    assert _stored(db) == before


def test_staff_forms_without_a_csrf_token_change_nothing(client, db, two_studies):
    login = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"csrf_token": csrf, "email": "coord@example.org",
                                       "password": "a good long password"}).status_code == 302
    before = _stored(db)
    for path, form in (("/console/studies/mine/rounds/1/close", {"confirm": "y"}),
                       ("/console/studies/mine/panel/new", {"name": "X", "email": "x@x.org",
                                                            "group": "G"}),
                       ("/console/studies/mine/sections", {"section-code": "S9",
                                                           "section-title": "Nine"})):
        response = client.post(path, data=form)
        assert response.status_code == 400, path
    assert _stored(db) == before
    assert two_studies["mine"].state.value == "open"
