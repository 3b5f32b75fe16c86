"""Builds nobody comes back for expire: ``delphi tick`` removes the file of a build ready or
failed for longer than REPORT_BUILD_TTL_HOURS (here 24) and the build's page says so and offers
to build it again; after as long again the build is forgotten.
tests/system/cli/test_tick_expires_builds.py runs the installed command on a queue file."""
from __future__ import annotations

from datetime import timedelta

import pytest

from delphi import tasks
from delphi.models import utcnow
from delphi.scheduling import tick
from tests.support.reports import queue_report

BASE = "/console/studies/two-rounds/reports"
DAY = timedelta(hours=24)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REPORT_BUILD_TTL_HOURS": 24, "REPORT_INSTANT_SIZE": 0}


def _file_kept(page_url: str) -> bool:
    return tasks.queue().get(f"build-file:{page_url.split('/')[6]}", peek=True) is not None


def test_files_nobody_took_expire_and_their_builds_are_forgotten_later(two_rounds, login_as,
                                                                         client):
    login_as("coordinator", studies=[two_rounds.study])
    tasks.queue().storage.flush_results()  # builds of earlier tests on this app's queue
    ready = queue_report(client, "two-rounds", "csv:1").headers["Location"]
    taken = queue_report(client, "two-rounds", "json").headers["Location"]
    assert client.post(f"{taken}/download").status_code == 200
    reading = queue_report(client, "two-rounds", "view:2").headers["Location"]
    assert _file_kept(ready) and _file_kept(reading)
    page = " ".join(client.get(ready).get_data(as_text=True).split())
    assert "If nobody downloads it, it is removed at" in page

    # A minute before the day is out, nothing moves.
    assert tick(now=utcnow() + DAY - timedelta(minutes=1)).expired_builds == 0
    assert _file_kept(ready)

    report = tick(now=utcnow() + DAY + timedelta(minutes=1))
    assert (report.expired_builds, report.forgotten_builds) == (2, 1)
    assert "2 report builds expired: their files removed." in report.describe()
    assert not _file_kept(ready) and not _file_kept(reading)

    expired = client.get(ready)
    words = " ".join(expired.get_data(as_text=True).split())
    assert expired.status_code == 200
    assert ("<strong>Expired</strong>: two-rounds-round1-report.csv was kept for 1 day without "
            "being downloaded") in words
    assert 'name="build" value="csv:1">Build it again</button>' in words
    assert 'http-equiv="refresh"' not in words
    assert client.post(f"{ready}/download").status_code == 303  # no file any more
    gone = " ".join(client.get(reading).get_data(as_text=True).split())
    assert "<strong>Expired</strong>: the report was kept for 1 day without being read again" \
        in gone
    assert 'name="build" value="view:2">Build it again</button>' in gone
    assert "Items that reached consensus" not in gone
    assert client.get(taken).status_code == 404  # downloaded a day ago: forgotten

    again = client.post(f"{BASE}/builds", data={"build": "csv:1"})
    assert "Ready" in client.get(again.headers["Location"]).get_data(as_text=True)

    later = tick(now=utcnow() + 2 * DAY + timedelta(minutes=2))
    assert later.forgotten_builds == 2  # the two expired the day before
    assert client.get(ready).status_code == 404 and client.get(reading).status_code == 404


def test_a_failed_build_and_one_no_worker_took_expire_too(two_rounds, login_as, client,
                                                          monkeypatch):
    login_as("admin")
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: None)  # no worker picks it up
    stuck = queue_report(client, "two-rounds", "xlsx").headers["Location"]
    tick(now=utcnow() + DAY + timedelta(minutes=1))
    words = " ".join(client.get(stuck).get_data(as_text=True).split())
    assert "<strong>Expired</strong>: two-rounds-report.xlsx" in words and "Queued" not in words
    # A worker that reaches it afterwards leaves it expired.
    monkeypatch.undo()
    from delphi.reports.builds import run_build

    run_build(stuck.rsplit("/", 1)[1])
    assert "Expired" in client.get(stuck).get_data(as_text=True)
