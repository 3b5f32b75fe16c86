"""The reports pages of the console: who may see them, and what they serve."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from delphi.auth.api_tokens import staff_for_token
from tests.support.reports import download_report, queue_report


def test_anonymous_visitors_do_not_get_a_report(two_rounds, client):
    for url in ("/console/studies/two-rounds/reports",
                "/console/studies/two-rounds/reports/view"):
        response = client.get(url)
        assert response.status_code in (302, 401)
        assert b"Guidance item" not in response.data
    queued = queue_report(client, "two-rounds", "csv")
    assert queued.status_code == 302 and "/login" in queued.headers["Location"]


def test_a_coordinator_of_another_study_gets_404(two_rounds, make_study, login_as, client):
    other = make_study(slug="other-study")
    login_as("coordinator", studies=[other])
    for url in ("/console/studies/two-rounds/reports",
                "/console/studies/two-rounds/reports/view"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Guidance item" not in response.data
    assert queue_report(client, "two-rounds", "pdf").status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_staff_of_the_study_see_the_buttons_and_download(two_rounds, login_as, client, role):
    login_as(role, studies=[two_rounds.study] if role == "coordinator" else [])
    page = client.get("/console/studies/two-rounds/reports")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for label in ("Report (PDF)", "Item table (CSV)", "Workbook (XLSX)", "Data (JSON)",
                  "Raw ratings and codebook (ZIP)", "Round 1", "Round 2"):
        assert label in text
    assert 'name="build" value="csv:2"' in text

    download = download_report(client, "two-rounds", "csv:1")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert 'filename="two-rounds-round1-report.csv"' in download.headers["Content-Disposition"]
    # One UTF-8 byte-order mark in front, so Excel on Windows reads the accents right.
    data = download.get_data()
    assert data.startswith(b"\xef\xbb\xbf") and not data[3:].startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["item"] for r in rows] == ["S1.1", "S1.2", "S2.1", "S2.2"]

    report = client.get("/console/studies/two-rounds/reports/view")
    assert report.status_code == 200
    assert "Items that reached consensus" in report.get_data(as_text=True)
    assert "/static/report.css" in report.get_data(as_text=True)


def test_an_unknown_round_or_format_is_refused_in_words(two_rounds, login_as, client):
    login_as("admin")
    round_9 = queue_report(client, "two-rounds", "csv:9")
    assert round_9.status_code == 400
    assert "Only a closed round has a report of its own" in round_9.get_data(as_text=True)
    doc = queue_report(client, "two-rounds", "doc")
    assert doc.status_code == 400
    assert "There is no format called &#39;doc&#39;" in doc.get_data(as_text=True)
    assert client.get("/console/studies/two-rounds/reports/view?round=x").status_code == 404


def test_the_page_issues_an_api_token_shown_once(two_rounds, login_as, client, db):
    user = login_as("coordinator", studies=[two_rounds.study])
    response = client.post("/console/studies/two-rounds/reports/api-token",
                           data={"issue": "Issue a new API token"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    token = text.split('<code class="token">')[1].split("</code>")[0]
    assert staff_for_token(token).id == user.id
    again = client.get("/console/studies/two-rounds/reports").get_data(as_text=True)
    assert token not in again and "You have an API token." in again

    client.post("/console/studies/two-rounds/reports/api-token",
                data={"revoke": "Revoke my API token"})
    db.session.expire_all()
    assert staff_for_token(token) is None


def test_the_report_reads_a_fixed_number_of_statements(two_rounds, make_study, make_panel,
                                                        submit, login_as, client, count_queries,
                                                        db):
    """A study with more items, panellists and comments costs no more SQL statements."""
    from delphi.rounds.lifecycle import close_round, open_round

    big = make_study(slug="bigger", sections=3, items_per_section=6)
    panel = make_panel(big, n=12)
    round1 = open_round(big)
    for k, panellist in enumerate(panel):
        submit(round1, panellist, {ri.code: 1 + (k + j) % 9 for j, ri in
                                   enumerate(round1.round_items)},
               {ri.code: f"Comment {k}" for ri in round1.round_items})
    close_round(round1)
    db.session.commit()
    login_as("admin")
    counts = []
    for slug in ("two-rounds", "bigger"):
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/console/studies/{slug}/reports/view")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[1] <= counts[0], counts


def test_the_reports_page_is_a_table_of_formats_by_round_and_describes_every_format(
        two_rounds, login_as, client):
    login_as("coordinator", studies=[two_rounds.study])
    text = html.unescape(client.get("/console/studies/two-rounds/reports").get_data(as_text=True))
    table = text[text.index('<table class="report-downloads">'):text.index("</table>")]
    header = re.findall(r'<th scope="col">([^<]*)', table)
    assert header == ["Format", "Whole study", "Round 1 ", "Round 2 "]
    rows = re.findall(r'<th scope="row">([^<]*)</th>', table)
    assert rows == ["Report in the browser", "Report (HTML)", "Report (PDF)", "Item table (CSV)",
                    "Workbook (XLSX)", "Data (JSON)", "ACCORD checklist (CSV)",
                    "Raw ratings and codebook (ZIP)"]
    # Each download link says which file it is, for a screen reader reading "Download".
    assert 'aria-label="Whole study: Report (PDF)"' in table
    assert 'aria-label="Round 2: Raw ratings and codebook (ZIP)"' in table
    assert table.count(">Download</button>") == 7 * 3
    held = text[text.index('id="formats"'):]
    described = re.findall(r"<dt>([^<]*)</dt><dd>([^<]+)</dd>", held)
    assert [label for label, _ in described] == rows[1:]
    assert "opens without the app" in dict(described)["Report (HTML)"]
    assert "A4 pages" in dict(described)["Report (PDF)"]
