"""The console in a real browser: sign in, import a study file, import a panel, every page
checked by axe-core; and the copy-link button works under the Content-Security-Policy."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from delphi.models import Panellist, Study
from tests.support.backends import sqlite_only

STUDY_FILE = Path(__file__).parents[2] / "support" / "study.toml"
PASSWORD = "correct horse battery staple"
PANEL_CSV = ("name,email,group\n"
             "Ada Byron,ada@example.org,Social workers\n"
             "Ben Okafor,ben@example.org,People who use services\n"
             "Cy Jones,cy@example.org,Social workers\n")


@pytest.fixture
def signed_in(db, page, live_server, make_staff):
    """A coordinator signed in through the login form."""
    make_staff(email="coordinator@example.org", role="coordinator", password=PASSWORD)
    db.session.commit()
    page.goto(live_server.url("/console/"))
    assert "/login" in page.url
    page.get_by_label("E-mail").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))
    return page


def test_sign_in_import_a_study_and_a_panel(signed_in, live_server, axe_check, db, tmp_path):
    page = signed_in
    axe_check(page, context="studies list")
    page.get_by_role("link", name="Import a study file").click()
    axe_check(page, context="import a study file")
    page.get_by_label("File").set_input_files(str(STUDY_FILE))
    page.get_by_role("button", name="Import study").click()
    page.wait_for_url("**/studies/test-guidance/content")
    expect(page.get_by_text("Study Test guidance imported with 4 items.")).to_be_visible()
    axe_check(page, context="content")

    panel_file = tmp_path / "panel.csv"
    panel_file.write_text(PANEL_CSV)
    page.get_by_role("navigation", name="Study").get_by_role("link", name="Panel").click()
    page.get_by_label("File").set_input_files(str(panel_file))
    page.get_by_role("button", name="Import panel").click()
    expect(page.get_by_text("3 panellists imported from panel.csv.")).to_be_visible()
    expect(page.get_by_role("row", name="P002").get_by_text("Ben Okafor")).to_be_visible()
    axe_check(page, context="panel")

    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    assert len(db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)).all()) == 3

    for name in ("Set-up", "Messages", "Audit"):
        page.get_by_role("navigation", name="Study").get_by_role("link", name=name).click()
        axe_check(page, context=name)
    # The audit trail names the import in the team's words, not its stored code.
    expect(page.get_by_role("cell", name="Panel imported", exact=True)).to_be_visible()


def test_a_bad_panel_file_shows_each_problem(signed_in, live_server, axe_check, db, make_study,
                                             tmp_path):
    page = signed_in
    study = make_study(slug="bad-panel")
    from delphi.models import StaffUser

    study.staff.append(db.session.scalar(db.select(StaffUser)))
    db.session.commit()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,group\nAda,not-an-address,Carers\n")
    page.goto(live_server.url("/console/studies/bad-panel/panel"))
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import panel").click()
    alert = page.get_by_role("alert")
    assert "bad.csv, line 2, column email" in alert.inner_text()
    axe_check(page, context="panel with errors")


@sqlite_only  # the browser's side of the page does not depend on the database
def test_the_copy_link_button_copies_the_personal_link(signed_in, live_server, db, make_study,
                                                       make_panel):
    page = signed_in
    study = make_study(slug="links")
    (panellist,) = make_panel(study, n=1)
    from delphi.models import StaffUser
    from delphi.panel.tokens import link_for

    study.staff.append(db.session.scalar(db.select(StaffUser)))
    db.session.commit()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url(""))
    page.goto(live_server.url(f"/console/studies/links/panel/{panellist.id}/link"))
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Copied.").wait_for()  # set when the clipboard's promise resolves
    assert page.evaluate("() => navigator.clipboard.readText()") == link_for(panellist)


@sqlite_only  # the browser's side of the page does not depend on the database
def test_every_other_console_page_passes_axe(page, live_server, axe_check, db, make_staff,
                                             make_study, make_panel):
    """The sign-in page, then as an admin the staff, settings, item, panellist and link pages."""
    admin = make_staff(email="admin@example.org", role="admin", password=PASSWORD)
    study = make_study(slug="pages")
    (panellist,) = make_panel(study, n=1)
    db.session.commit()
    page.goto(live_server.url("/login"))
    axe_check(page, context="sign-in")
    page.get_by_label("E-mail").fill("admin@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page, context="failed sign-in")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))
    base = "/console/studies/pages"
    for path in ("/admin/staff", f"/admin/staff/{admin.id}", "/console/studies/new",
                 f"{base}/items/{study.items[0].id}", f"{base}/sections/{study.sections[0].id}",
                 f"{base}/panel/new", f"{base}/panel/{panellist.id}",
                 f"{base}/panel/{panellist.id}/link"):
        response = page.goto(live_server.url(path))
        assert response.status == 200, path
        axe_check(page, context=path)
    # A settings form refused by the consensus engine: errors tied to their fields.
    page.goto(live_server.url(f"{base}/setup"))
    page.get_by_label("Last point of the low region").fill("7")
    page.get_by_label("First point of the high region").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("the regions overlap")).to_be_visible()
    axe_check(page, context="settings with errors")
