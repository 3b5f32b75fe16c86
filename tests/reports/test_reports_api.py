"""The read-only JSON API: bearer tokens, who sees what, the numbers, and the OpenAPI document."""
from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from delphi.auth.api_tokens import issue_api_token
from tests.reports.conftest import ROUND_1
from tests.reports.expected import expected


@pytest.fixture
def token_for(db, make_staff):
    """A new staff account with an API token: ``token_for("coordinator", studies=[...])``."""

    def make(role="coordinator", studies=(), email=None):
        user = make_staff(email=email or f"{role}-api@example.org", role=role, studies=studies)
        token = issue_api_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
def test_no_valid_token_is_401_in_json(two_rounds, client, header):
    response = client.get("/api/v1/studies",
                          headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json["error"]["status"] == 401
    assert "Authorization: Bearer" in response.json["error"]["message"]
    assert "Set-Cookie" not in response.headers


def test_a_disabled_account_token_stops_working(two_rounds, client, token_for, db):
    headers = token_for("admin")
    assert client.get("/api/v1/studies", headers=headers).status_code == 200
    from delphi.models import StaffUser

    for user in db.session.scalars(db.select(StaffUser)):
        user.is_enabled = False
    db.session.commit()
    assert client.get("/api/v1/studies", headers=headers).status_code == 401


def test_a_coordinator_sees_only_assigned_studies(two_rounds, make_study, client, token_for):
    make_study(slug="other-study")
    headers = token_for("coordinator", studies=[two_rounds.study])
    listed = client.get("/api/v1/studies", headers=headers)
    assert listed.status_code == 200
    assert [s["slug"] for s in listed.json["studies"]] == ["two-rounds"]
    assert "Set-Cookie" not in listed.headers  # the API never starts a session
    hidden = client.get("/api/v1/studies/other-study", headers=headers)
    assert hidden.status_code == 404 and hidden.json["error"]["status"] == 404
    assert client.get("/api/v1/studies/other-study/rounds/1/items",
                      headers=headers).status_code == 404


def test_an_admin_sees_every_study(two_rounds, make_study, client, token_for):
    make_study(slug="other-study")
    headers = token_for("admin")
    listed = client.get("/api/v1/studies", headers=headers)
    assert [s["slug"] for s in listed.json["studies"]] == ["other-study", "two-rounds"]
    study = client.get("/api/v1/studies/two-rounds", headers=headers).json
    assert study["settings"]["rule"] == "comet"
    assert [(r["number"], r["state"], r["invited"], r["responded"]) for r in study["rounds"]] == [
        (1, "closed", 8, 7), (2, "closed", 8, 7)]


def test_round_items_carry_the_frozen_numbers(two_rounds, client, token_for):
    headers = token_for("coordinator", studies=[two_rounds.study])
    response = client.get("/api/v1/studies/two-rounds/rounds/1/items", headers=headers)
    assert response.status_code == 200
    items = {i["item"]: i for i in response.json["items"]}
    for code, ratings in ROUND_1.items():
        want = expected(ratings)
        assert items[code]["summary"]["median"] == pytest.approx(want["median"])
        assert items[code]["summary"]["q1"] == pytest.approx(want["q1"])
        assert items[code]["summary"]["n_unable"] == want["n_unable"]
    assert client.get("/api/v1/studies/two-rounds/rounds/3/items",
                      headers=headers).status_code == 404


def test_the_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")
    assert "/studies/{slug}/rounds/{number}/items" in response.json["paths"]


def _fuzz(schema, app, headers, examples: int) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers)

        check()


@pytest.mark.slow  # schemathesis: many generated requests
def test_the_api_conforms_to_its_openapi_document(two_rounds, app, client, token_for):
    """Schemathesis, in process: no 5xx, every response matches the document. A second pass
    pins slugs and round numbers to real ones so that 200 responses are checked too."""
    # In process there is no HTTP client to undo compression, which schemathesis asks for:
    # ask for none (tests/system/scale/test_page_weight.py checks compression itself).
    headers = {**token_for("coordinator", studies=[two_rounds.study]),
               "Accept-Encoding": "identity"}
    document = client.get("/api/v1/openapi.json").json
    _fuzz(schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), app, headers, 10)

    pinned = copy.deepcopy(document)
    for path in pinned["paths"].values():
        for parameter in (p for op in path.values() for p in op.get("parameters", [])):
            if parameter["name"] == "slug":
                parameter["schema"] = {"enum": ["two-rounds", "missing-study"]}
            else:
                parameter["schema"] = {"enum": [1, 2, 3]}
    schema = schemathesis.openapi.from_dict(pinned)
    schema.app = app
    _fuzz(schema, app, headers, 6)
