"""The report to read in the console: rendered at once for a small study, built in the
background for a larger one and then shown from its build, to the study's staff only.

The two-round study (tests/reports/conftest.py) has 4 items in round 1 and 3 in round 2, and 8
panellists: its whole report is 7 x 8 = 56 item-panellists, round 1's 4 x 8 = 32.
"""
from __future__ import annotations

import re

import pytest

from delphi import tasks
from delphi.models import Panellist
from delphi.panel.tokens import token_for
from tests.reports.conftest import SCRIPT
from tests.support.reports import queue_report

BASE = "/console/studies/two-rounds/reports"


@pytest.fixture
def app_config(app_config):
    """Anything larger than the two-round study's whole report (56) is built in the background."""
    return {**app_config, "REPORT_INSTANT_SIZE": 55}


def test_a_large_report_is_built_then_shown_from_its_build(two_rounds, login_as, client):
    login_as("coordinator", studies=[two_rounds.study])
    # The old address no longer builds while the request waits: it offers the build.
    offer = client.get(f"{BASE}/view")
    words = " ".join(offer.get_data(as_text=True).split())
    assert offer.status_code == 200
    assert "This study's report is large: it is built in the background" in words
    assert 'name="build" value="view">Build the report</button>' in words
    assert "Items that reached consensus" not in words

    queued = queue_report(client, "two-rounds", "view")
    assert queued.status_code == 303
    page_url = queued.headers["Location"]
    assert re.fullmatch(rf"{BASE}/builds/[A-Za-z0-9_-]{{32}}/view", page_url)

    report = client.get(page_url)
    text = report.get_data(as_text=True)
    assert report.status_code == 200 and report.content_type == "text/html; charset=utf-8"
    assert "Items that reached consensus" in text
    # The page as the console shows it: the site's stylesheet, the way back, the CSP.
    assert '<link rel="stylesheet" href="/static/report.css">' in text
    assert f'<a href="{BASE}">Back to the reports page</a>' in text
    assert "script-src" in report.headers["Content-Security-Policy"]
    assert "<style>" not in text
    # A panellist's comment is text, never markup.
    assert SCRIPT not in text and "&lt;script&gt;" in text
    # Kept to be read again, unlike a downloaded file.
    assert client.get(page_url).get_data(as_text=True) == text
    taken = client.post(page_url.removesuffix("/view") + "/download")
    assert taken.status_code == 303
    assert "Items that reached consensus" in client.get(page_url).get_data(as_text=True)

    build_page = " ".join(client.get(page_url.removesuffix("/view")).get_data(as_text=True)
                          .split())
    assert "Ready" in build_page and f'href="{page_url}">Read the report</a>' in build_page


def test_a_rounds_report_below_the_bound_opens_at_once(two_rounds, login_as, client):
    login_as("coordinator", studies=[two_rounds.study])
    queued = queue_report(client, "two-rounds", "view:1")  # 32: small enough
    assert queued.status_code == 303
    assert queued.headers["Location"] == f"{BASE}/view?round=1"
    page = client.get(f"{BASE}/view?round=1")
    assert page.status_code == 200 and "Items that reached consensus" in page.get_data(
        as_text=True)


def test_the_build_page_shows_progress_until_the_report_is_ready(two_rounds, login_as, client,
                                                                 monkeypatch):
    login_as("admin")
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: None)  # no worker picks it up
    page_url = queue_report(client, "two-rounds", "view").headers["Location"]
    waiting = client.get(page_url)
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 200
    assert "Queued" in text and '<meta http-equiv="refresh" content="2">' in text
    assert "Items that reached consensus" not in text


def test_a_built_report_is_read_only_through_its_own_study_by_its_staff(
        two_rounds, make_study, login_as, client, db):
    other = make_study(slug="other-study")
    login_as("coordinator", studies=[two_rounds.study, other])
    page_url = queue_report(client, "two-rounds", "view").headers["Location"]
    build_id = page_url.split("/")[-2]
    assert client.get(f"/console/studies/other-study/reports/builds/{build_id}/view"
                      ).status_code == 404
    # A file's build is not a report to read.
    file_url = queue_report(client, "two-rounds", "csv").headers["Location"]
    assert client.get(f"{file_url}/view").status_code == 404

    app = client.application
    login_as("coordinator", studies=[other], email="other@example.org")
    with app.app_context():
        assert client.get(page_url).status_code == 404
    visitor = app.test_client()
    with app.app_context():
        response = visitor.get(page_url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    panellist = db.session.scalar(db.select(Panellist).filter_by(study_id=two_rounds.study.id))
    with app.app_context():
        visitor.get(f"/p/{token_for(panellist)}")
    with app.app_context():
        response = visitor.get(page_url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
