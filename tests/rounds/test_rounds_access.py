"""Who may use the round pages: every route under every kind of visitor.

Anonymous visitors, and panellists (who never sign in: their personal link is all they have),
are sent to the login page; a coordinator of another study gets 404 (and
changes nothing), the study's coordinator and an admin get the page or the action.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from delphi.models import AuditEvent, Panellist, Round, Study, Suggestion, SuggestionKind
from tests.rounds.conftest import Running
from tests.support.snapshots import built_once

DEADLINE = (date.today() + timedelta(days=10)).isoformat()

# (endpoint, method, form data, status for a permitted user). Round 1 is closed and has one
# pending suggestion; {ri} is an item of round 1 and {sg} the suggestion.
ROUTES = [
    ("rounds.dashboard", "GET", {}, 200),
    ("rounds.open_first", "POST", {"deadline": DEADLINE}, 400),  # round 1 exists already
    ("rounds.close", "GET", {}, 200),
    ("rounds.close", "POST", {}, 400),  # round 1 is closed already
    ("rounds.review", "GET", {}, 200),
    ("rounds.decide", "POST", {"item-{ri}-decision": "carry_forward",
                               "item-{ri}-reason": "Misread."}, 302),
    ("rounds.reword", "GET", {}, 200),
    ("rounds.reword", "POST", {"text": "New words.", "reason": "Vague."}, 302),
    ("rounds.suggestion", "POST", {"suggestion-{sg}-action": "decline"}, 302),
    ("rounds.open_next", "POST", {"deadline": DEADLINE}, 302),
    ("rounds.complete", "POST", {}, 302),
]


def _values(endpoint: str, ri: int, sg: int) -> dict:
    values = {}
    if endpoint not in ("rounds.dashboard", "rounds.open_first"):
        values["number"] = 1
    if endpoint in ("rounds.decide", "rounds.reword"):
        values["round_item_id"] = ri
    if endpoint == "rounds.suggestion":
        values["suggestion_id"] = sg
    return values


@pytest.fixture
def route_call(db, client, closed, tmp_path_factory):
    """Make the study (once per database in each test process; each test gets a copy of it),
    then call one route as whoever the client is signed in as."""

    def build() -> dict:
        state = closed()
        suggestion = Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id,
                                kind=SuggestionKind.NEW_ITEM, text="Ask about housing.")
        db.session.add(suggestion)
        db.session.commit()
        return {"study": state.study.id, "panel": [p.id for p in state.panel],
                "round": state.round_.id, "ri": state.round_.round_items[0].id,
                "sg": suggestion.id}

    built = built_once("rounds-access", build, tmp_path_factory)
    state = Running(study=db.session.get(Study, built["study"]),
                    panel=[db.session.get(Panellist, p) for p in built["panel"]],
                    round_=db.session.get(Round, built["round"]))
    ri, sg = built["ri"], built["sg"]

    def call(endpoint, method, data):
        url = state.url(endpoint, **_values(endpoint, ri, sg))
        form = {k.format(ri=ri, sg=sg): v for k, v in data.items()}
        return client.open(url, method=method, data=form if method == "POST" else None)

    call.state = state
    return call


def _audit_count(db) -> int:
    return len(db.session.scalars(db.select(AuditEvent.id)).all())


@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(db, app, route_call, endpoint, method, data,
                                               allowed):
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert _audit_count(db) == before


@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES)
def test_a_panellist_with_their_link_open_is_sent_to_log_in(db, client, route_call, endpoint,
                                                            method, data, allowed):
    from delphi.panel.tokens import token_for

    panellist = route_call.state.panel[0]
    assert client.get(f"/p/{token_for(panellist)}").status_code == 200
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert _audit_count(db) == before


@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES)
def test_a_coordinator_of_another_study_gets_not_found(db, login_as, make_study, route_call,
                                                       endpoint, method, data, allowed):
    login_as("coordinator", studies=[make_study(slug="another-study")])
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert response.status_code == 404
    assert "Not Found" in response.get_data(as_text=True)
    assert _audit_count(db) == before


@pytest.mark.parametrize("role", ["coordinator", "admin"])
@pytest.mark.parametrize("endpoint, method, data, allowed", ROUTES)
def test_the_studys_coordinator_and_an_admin_may(db, login_as, route_call, role, endpoint, method,
                                                 data, allowed):
    login_as(role, studies=[route_call.state.study] if role == "coordinator" else [])
    before = _audit_count(db)
    response = route_call(endpoint, method, data)
    assert response.status_code == allowed
    assert (_audit_count(db) > before) is (allowed == 302)
