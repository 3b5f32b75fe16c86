"""Reports built in the background: the reports page queues a build, the build's page shows its
progress and hands over the file once; only the study's staff reach it, through its own study.

The queue runs in Huey's immediate mode here (tests/conftest.py), so a build is done by the time
its page opens; tests/system/cli/test_worker_command.py runs a real worker.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta

import pytest

from delphi import tasks
from delphi.models import AuditEvent, Panellist
from delphi.panel.tokens import token_for
from delphi.reports import builds, export
from delphi.reports.builds import find_build, queue_build
from tests.support.backends import sqlite_only
from tests.support.reports import build_url, queue_report

BASE = "/console/studies/two-rounds/reports"


def _page_of(queued) -> str:
    assert queued.status_code == 303
    return queued.headers["Location"]


@pytest.mark.parametrize("build,name", [("csv:1", "two-rounds-round1-report.csv"),
                                        ("json", "two-rounds-report.json"),
                                        ("raw:2", "two-rounds-round2-report.zip")])
def test_a_build_hands_over_the_same_file_as_the_export_once(two_rounds, login_as, client,
                                                              build, name):
    login_as("coordinator", studies=[two_rounds.study])
    page_url = _page_of(queue_report(client, "two-rounds", build))
    assert re.fullmatch(rf"{BASE}/builds/[A-Za-z0-9_-]{{32}}", page_url)

    page = client.get(page_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ready" in text and name in text
    assert 'http-equiv="refresh"' not in text  # finished: no more reloading
    assert "kept until it is downloaded" in text

    download = client.post(f"{page_url}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    what, _, number = build.partition(":")
    expected = export(two_rounds.study, what, int(number) if number else None)
    if what == "raw":  # a ZIP's entries carry the time they were written
        archive = zipfile.ZipFile(io.BytesIO(download.data))
        made = zipfile.ZipFile(io.BytesIO(expected))
        assert {n: archive.read(n) for n in archive.namelist()} == \
            {n: made.read(n) for n in made.namelist()}
    elif what == "json":  # the same report, but each states when it was generated
        ours, theirs = json.loads(download.data), json.loads(expected)
        assert ours.pop("generated_at") and theirs.pop("generated_at")
        assert ours == theirs
    elif what == "csv":  # every CSV served starts with a byte-order mark, for Excel
        assert download.data == b"\xef\xbb\xbf" + expected
    else:
        assert download.data == expected

    # Handed over once: the page now says so, and a second download gets the page, not a file.
    after = client.get(page_url).get_data(as_text=True)
    assert "Downloaded" in after and "no longer kept" in after
    again = client.post(f"{page_url}/download")
    assert again.status_code == 303 and again.headers["Location"] == page_url


@sqlite_only  # the HTML page it prints is checked on both databases
def test_the_pdf_build_holds_the_report(two_rounds, login_as, client):
    from pypdf import PdfReader

    login_as("admin")
    page_url = _page_of(queue_report(client, "two-rounds", "pdf:2"))
    pdf = PdfReader(io.BytesIO(client.post(f"{page_url}/download").data))
    direct = PdfReader(io.BytesIO(export(two_rounds.study, "pdf", 2)))
    assert len(pdf.pages) == len(direct.pages) > 1
    # The two were made at different times: their "Generated ... UTC" lines may differ.
    def page_one(reader) -> str:
        return re.sub(r"Generated .*?UTC", "", reader.pages[0].extract_text())

    assert page_one(pdf) == page_one(direct)


def test_the_bundle_build_is_audited_once(two_rounds, login_as, client, db):
    login_as("coordinator", studies=[two_rounds.study])
    page_url = _page_of(queue_report(client, "two-rounds", "bundle"))
    assert "two-rounds-supplementary.zip" in client.get(page_url).get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.post(f"{page_url}/download").data))
    assert "report.pdf" in archive.namelist()
    db.session.expire_all()
    events = db.session.scalars(db.select(AuditEvent).filter_by(action="report.bundle")).all()
    assert len(events) == 1 and events[0].actor  # the staff member who asked for it


def _stored(study, build_id: str, **changes) -> None:
    """Set the build's stored progress, as the worker does while it builds (the layout the
    module's docstring gives)."""
    build = replace(find_build(study, build_id), **changes)
    tasks.queue().put(f"build:{build_id}", asdict(build))


def test_the_page_says_how_far_the_build_has_got_and_reloads_itself(two_rounds, login_as,
                                                                      client, monkeypatch):
    login_as("admin")
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: None)  # no worker picks it up
    page_url = _page_of(queue_report(client, "two-rounds", "xlsx"))
    build_id = page_url.rsplit("/", 1)[1]

    queued = client.get(page_url).get_data(as_text=True)
    assert "Queued" in queued and "two-rounds-report.xlsx" in queued
    assert '<meta http-equiv="refresh" content="2">' in queued
    assert "delphi worker" not in queued  # not waited long yet
    assert "Failed" not in queued and "could not be built" not in queued

    _stored(two_rounds.study, build_id, state="building", rounds_total=3, rounds_read=1)
    building = client.get(page_url).get_data(as_text=True)
    assert "reading round 2 of 3" in " ".join(building.split())
    assert 'http-equiv="refresh"' in building
    assert "may have stopped" not in building
    assert "Failed" not in building
    _stored(two_rounds.study, build_id, state="writing", rounds_total=3, rounds_read=3)
    assert "writing the file" in client.get(page_url).get_data(as_text=True)
    # No news from its worker for 16 minutes (the page allows 15): it may have stopped.
    _stored(two_rounds.study, build_id, updated_at=datetime.now(UTC).replace(tzinfo=None)
            - timedelta(minutes=16))
    silent = " ".join(client.get(page_url).get_data(as_text=True).split())
    assert "has said nothing for 15 minutes: it may have stopped" in silent
    assert "<code>delphi worker</code> is running" in silent
    # Downloading before it is ready gives the page back, not a file.
    early = client.post(f"{page_url}/download")
    assert early.status_code == 303 and early.headers["Location"] == page_url


def test_a_build_no_worker_picks_up_says_which_command_to_run(two_rounds, login_as, client,
                                                              monkeypatch):
    login_as("admin")
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: None)
    monkeypatch.setattr(builds, "WAIT_FOR_WORKER_SECONDS", -1)
    text = client.get(_page_of(queue_report(client, "two-rounds", "csv"))).get_data(as_text=True)
    words = " ".join(text.split())
    assert "No worker has started this build" in words
    assert "<code>delphi worker</code>" in words


def test_a_failed_build_says_why(two_rounds, login_as, client, db):
    user = login_as("admin")
    build_id = queue_build(two_rounds.study, "csv", 7, by=user)  # a round the study never had
    db.session.commit()
    builds.start(build_id)
    page = client.get(f"{BASE}/builds/{build_id}")
    words = " ".join(page.get_data(as_text=True).split())
    assert page.status_code == 200
    assert "Failed" in words and "Study two-rounds has no round 7." in words
    assert 'http-equiv="refresh"' not in words


def test_a_build_is_reached_only_through_its_own_study_by_its_staff(
        two_rounds, make_study, login_as, client, db):
    other = make_study(slug="other-study")
    login_as("coordinator", studies=[two_rounds.study, other])
    page_url = _page_of(queue_report(client, "two-rounds", "csv:1"))
    build_id = page_url.rsplit("/", 1)[1]

    # The same id under another study's address, even one its coordinator may see: unknown.
    elsewhere = f"/console/studies/other-study/reports/builds/{build_id}"
    assert client.get(elsewhere).status_code == 404
    assert client.post(f"{elsewhere}/download").status_code == 404
    unknown = client.get(f"{BASE}/builds/{build_id[:-4]}AAAA")
    assert unknown.status_code == 404 and "item" not in unknown.get_data(as_text=True).lower()

    # A coordinator of another study only, a signed-out visitor and a panellist: no file. Each
    # visitor's requests get their own app context, as in production, so none inherits the
    # signed-in user of the one before.
    app = client.application
    login_as("coordinator", studies=[other], email="other@example.org")
    with app.app_context():
        assert client.get(page_url).status_code == 404
    with app.app_context():
        assert client.post(f"{page_url}/download").status_code == 404
    visitor = app.test_client()
    for method in (visitor.get, visitor.post):
        with app.app_context():
            response = method(page_url if method == visitor.get else f"{page_url}/download")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    panellist = db.session.scalar(db.select(Panellist).filter_by(study_id=two_rounds.study.id))
    with app.app_context():
        assert visitor.get(f"/p/{token_for(panellist)}").status_code in (200, 302)
    with app.app_context():
        response = visitor.post(f"{page_url}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    # Its own study's staff still find it ready.
    login_as("coordinator", studies=[two_rounds.study], email="third@example.org")
    with app.app_context():
        assert "Ready" in client.get(page_url).get_data(as_text=True)


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_queueing_and_downloading_need_the_pages_csrf_token(csrf_on, two_rounds, login_as,
                                                            client):
    login_as("coordinator", studies=[two_rounds.study])
    forged = client.post(build_url("two-rounds"), data={"build": "csv"})
    assert forged.status_code == 400 and "Location" not in forged.headers

    page = client.get(BASE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    queued = client.post(build_url("two-rounds"), data={"build": "csv", "csrf_token": token})
    page_url = _page_of(queued)
    assert client.post(f"{page_url}/download").status_code == 400
    genuine = client.post(f"{page_url}/download", data={"csrf_token": token})
    assert genuine.status_code == 200 and genuine.data.startswith(b"\xef\xbb\xbf")
