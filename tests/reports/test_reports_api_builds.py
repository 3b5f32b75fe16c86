"""The API's report files, built in the background: POST answers 202 with the build's address,
the build says its state and then where its file is, and the file goes once, only to a token
that sees the study.

The two-round study (tests/reports/conftest.py) has 4 items in round 1 and 8 panellists: round
1's report is 4 x 8 = 32 item-panellists.
"""
from __future__ import annotations

import csv
import io

import pytest

from delphi import tasks
from delphi.auth.api_tokens import issue_api_token
from tests.reports.conftest import ROUND_1

API = "/api/v1/studies/two-rounds"


@pytest.fixture
def token_for(db, make_staff):
    """A new staff account with an API token: ``token_for("coordinator", studies=[...])``."""

    def make(role="coordinator", studies=(), email=None):
        user = make_staff(email=email or f"{role}-api@example.org", role=role, studies=studies)
        token = issue_api_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


def test_a_report_is_queued_polled_and_fetched_once(two_rounds, client, token_for):
    headers = token_for("coordinator", studies=[two_rounds.study])
    queued = client.post(f"{API}/reports", json={"format": "csv", "round": 1}, headers=headers)
    assert queued.status_code == 202
    location = queued.headers["Location"]
    assert location.startswith(f"{API}/reports/builds/")
    assert queued.json["state"] == "ready"  # the tests' queue builds at once
    assert queued.json["file_name"] == "two-rounds-round1-report.csv"

    status = client.get(location, headers=headers)
    assert status.status_code == 200 and status.json["state"] == "ready"
    assert status.json["file"] == f"{location}/file"
    assert status.json["size"] > 0 and status.json["expires_at"]

    fetched = client.get(status.json["file"], headers=headers)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Disposition"] == \
        'attachment; filename="two-rounds-round1-report.csv"'
    rows = list(csv.DictReader(io.StringIO(fetched.data.decode("utf-8-sig"))))
    assert [r["item"] for r in rows] == list(ROUND_1)

    again = client.get(status.json["file"], headers=headers)
    assert again.status_code == 410
    assert "queue the build again" in again.json["error"]["message"]
    after = client.get(location, headers=headers).json
    assert after["state"] == "downloaded" and after["file"] is None


def test_a_build_not_finished_says_when_to_ask_again(two_rounds, client, token_for,
                                                     monkeypatch):
    headers = token_for("admin")
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: None)  # no worker picks it up
    queued = client.post(f"{API}/reports", json={"format": "json"}, headers=headers)
    assert queued.status_code == 202 and queued.headers["Retry-After"] == "2"
    status = client.get(queued.headers["Location"], headers=headers)
    assert status.json["state"] == "queued" and status.json["file"] is None
    early = client.get(f"{queued.headers['Location']}/file", headers=headers)
    assert early.status_code == 409
    assert early.json["error"]["message"] == "The file is not ready: the build is queued."


@pytest.mark.parametrize("body,words", [
    ({"format": "docx"}, "There is no format called 'docx'"),
    ({"format": "bundle", "round": 1}, "the bundle covers the whole study"),
    ({"format": "csv", "round": "1"}, '"round" must be the number of a closed round'),
    ({"format": "view"}, 'Send {"format": NAME} as JSON'),
    ({}, 'Send {"format": NAME} as JSON'),
])
def test_a_request_for_no_such_report_is_400_in_words(two_rounds, client, token_for, body,
                                                      words):
    headers = token_for("admin")
    response = client.post(f"{API}/reports", json=body, headers=headers)
    assert response.status_code == 400 and words in response.json["error"]["message"]
    assert "Location" not in response.headers


def test_a_round_not_closed_is_404(two_rounds, client, token_for):
    response = client.post(f"{API}/reports", json={"format": "csv", "round": 9},
                           headers=token_for("admin"))
    assert response.status_code == 404
    assert response.json["error"]["message"] == "Study two-rounds has no closed round 9."


def test_a_build_is_reached_only_by_a_token_of_its_study(two_rounds, make_study, client,
                                                         token_for, db):
    make_study(slug="other-study")
    db.session.commit()
    own = token_for("coordinator", studies=[two_rounds.study])
    location = client.post(f"{API}/reports", json={"format": "csv"},
                           headers=own).headers["Location"]
    build_id = location.rsplit("/", 1)[1]

    stranger = token_for("coordinator", studies=[], email="stranger@example.org")
    for url in (location, f"{location}/file"):
        assert client.get(url).status_code == 401
        assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
        assert client.get(url, headers=stranger).status_code == 404
    assert client.post(f"{API}/reports", json={"format": "csv"},
                       headers=stranger).status_code == 404
    # The same id under another study's address, with a token that sees both: unknown.
    both = token_for("admin")
    elsewhere = f"/api/v1/studies/other-study/reports/builds/{build_id}"
    assert client.get(elsewhere, headers=both).status_code == 404
    assert client.get(f"{elsewhere}/file", headers=both).status_code == 404
    # The file is still there for the study's own token.
    assert client.get(f"{location}/file", headers=own).status_code == 200


@pytest.fixture
def small_bound(app_config):
    app_config["REPORT_INSTANT_SIZE"] = 31  # round 1's report (32) is built in the background
    return app_config


def test_round_items_of_a_large_study_answer_202_and_a_build(small_bound, two_rounds, client,
                                                             token_for):
    headers = token_for("admin")
    response = client.get(f"{API}/rounds/1/items", headers=headers)
    assert response.status_code == 202
    assert response.json["format"] == "json" and response.json["round"] == 1
    file_url = client.get(response.headers["Location"], headers=headers).json["file"]
    report = client.get(file_url, headers=headers).json
    assert [item["item"] for item in report["rounds"][0]["items"]] == list(ROUND_1)
