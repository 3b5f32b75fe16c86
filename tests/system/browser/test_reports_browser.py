"""The reports pages in Chromium: accessible (axe), no CSP refusals, downloads that work (through
the build's page).

Kept with the browser tests so that one Chromium serves the session; the two-round study
comes from the reports tests' fixture.
"""
from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.reports.conftest import ROUND_1, two_rounds  # noqa: F401  (a fixture)

PASSWORD = "correct horse battery staple"


def test_reports_page_report_and_download_in_a_browser(two_rounds, page, live_server,
                                                       axe_check, make_staff, db):
    make_staff(email="coordinator@example.org", role="coordinator", password=PASSWORD,
               studies=[two_rounds.study])
    db.session.commit()
    page.goto(live_server.url("/login"))
    page.get_by_label("E-mail").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))

    page.goto(live_server.url("/console/studies/two-rounds/reports"))
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    axe_check(page, context="reports page")

    # The file is built in the background (at once here: the tests' queue is immediate); its
    # page offers it when it is ready.
    page.get_by_role("button", name="Round 1: Item table (CSV)").click()
    expect(page.get_by_text("Ready")).to_be_visible()
    axe_check(page, context="build page")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download two-rounds-round1-report.csv").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["item"] for r in rows] == list(ROUND_1)
    page.get_by_role("link", name="Back to the reports").click()

    page.get_by_role("button", name="Read the report", exact=True).click()
    expect(page.get_by_role("heading", name="Items that reached consensus")).to_be_visible()
    # Counted once the page is there: a count taken while the report still loads would be short.
    expect(page.locator("svg title", has_text="Item flow across rounds")).to_have_count(1)
    axe_check(page, context="HTML report")

    page.get_by_role("link", name="Back to the reports page").click()
    page.get_by_role("button", name="Issue a new API token").click()
    assert page.locator("code.token").inner_text().startswith("delphi_")
    axe_check(page, context="API token issued")
