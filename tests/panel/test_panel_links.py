"""Downloading every active panellist's personal link as a CSV file for the team's mail merge."""
from __future__ import annotations

import codecs
import csv
import io
import re

import pytest

from delphi.models import AuditEvent, Panellist
from delphi.panel.erasure import erase_panellist
from delphi.panel.operations import withdraw
from delphi.rounds.lifecycle import open_round

BASE = "/console/studies/test-study"
URL = f"{BASE}/panel/links.csv"


@pytest.fixture
def panel(db, make_study, make_panel):
    """Four panellists with a round open: P002 withdrawn, P003 erased, one group a formula."""
    study = make_study()
    panellists = make_panel(study, n=4, groups=("Social workers", "=HYPERLINK(\"x\")"))
    withdraw(panellists[1])
    erase_panellist(panellists[2])
    open_round(study)
    db.session.commit()
    return study


def _rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _downloads(db) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(db.select(AuditEvent).filter_by(action="panel.links_download")).all()


def test_the_csv_holds_each_active_panellists_working_link(app, client, db, login_as, panel):
    coordinator = login_as("coordinator", studies=[panel])

    response = client.post(URL)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="test-study-links.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().startswith(codecs.BOM_UTF8)  # Excel then reads it as UTF-8
    rows = _rows(response)
    assert rows[0] == ["pseudonym", "name", "email", "group", "link"]
    assert [row[:4] for row in rows[1:]] == [  # P002 withdrawn and P003 erased are left out
        ["P001", "Panellist 1", "panellist1@example.org", "Social workers"],
        ["P004", "Panellist 4", "panellist4@example.org", "'=HYPERLINK(\"x\")"],
    ]
    links = [row[4] for row in rows[1:]]
    assert all(re.fullmatch(r"http://delphi\.test/p/[\w-]{40,}", link) for link in links)

    visitor = app.test_client()
    welcome = visitor.get(links[1].removeprefix("http://delphi.test"))
    assert welcome.status_code == 200
    assert "Study test-study" in welcome.get_data(as_text=True)
    assert visitor.get(links[1].removeprefix("http://delphi.test")[:-3] + "xyz").status_code == 404

    (event,) = _downloads(db)
    assert (event.actor, event.staff_id, event.study_id) == (
        coordinator.email, coordinator.id, panel.id)
    assert (event.target, event.after) == ("test-study-links.csv", {"links": 2})


def test_the_panel_page_offers_the_download_as_a_post_button(client, db, login_as, panel):
    login_as("coordinator", studies=[panel])

    page = client.get(f"{BASE}/panel").get_data(as_text=True)

    assert re.search(rf'<form method="post" action="{re.escape(URL)}"[^>]*>.*?'
                     r'<button type="submit"[^>]*>Download the links \(CSV\)</button>', page)
    assert client.get(URL).status_code == 405  # a prefetch or a typed address takes nothing
    assert _downloads(db) == []


def test_another_studys_coordinator_gets_404_and_a_visitor_the_sign_in(app, client, db,
                                                                        make_study, login_as,
                                                                        panel):
    other = make_study(slug="other-study")
    login_as("coordinator", studies=[other])

    refused = client.post(URL)
    with app.app_context():  # a request of its own, as in production: nobody signed in
        anonymous = app.test_client().post(URL)

    assert refused.status_code == 404
    assert "panellist1@example.org" not in refused.get_data(as_text=True)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")
    assert _downloads(db) == []


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_the_download_needs_the_pages_csrf_token(csrf_on, client, db, login_as, panel):
    login_as("coordinator", studies=[panel])

    forged = client.post(URL)
    page = client.get(f"{BASE}/panel").get_data(as_text=True)
    token = re.search(rf'action="{re.escape(URL)}"[^>]*><input type="hidden" '
                      r'name="csrf_token" value="([^"]+)"', page).group(1)
    genuine = client.post(URL, data={"csrf_token": token})

    assert forged.status_code == 400
    assert "panellist1@example.org" not in forged.get_data(as_text=True)
    assert genuine.status_code == 200
    assert len(_rows(genuine)) == 3
    assert len(_downloads(db)) == 1  # the forged request took nothing


def test_a_panel_without_active_panellists_gives_just_the_header(client, db, login_as,
                                                                 make_study):
    make_study()
    db.session.commit()
    login_as("admin")

    response = client.post(URL)

    assert response.status_code == 200
    assert _rows(response) == [["pseudonym", "name", "email", "group", "link"]]
    assert db.session.scalar(db.select(db.func.count(Panellist.id))) == 0
    assert [event.after for event in _downloads(db)] == [{"links": 0}]
