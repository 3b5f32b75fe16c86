"""Script, markup and spreadsheet formulas typed into every free-text field stay inert wherever
the text is shown: panellist pages, console pages, the HTML and PDF report, CSV, XLSX and the
raw export, and the e-mails."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from delphi.mail.sender import dev_files, send_pending
from delphi.models import Suggestion, SuggestionKind
from delphi.panel.tokens import token_for
from delphi.rounds.answers import response_for, save_answers
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round
from tests.support.reports import download_report

SCRIPT = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://x.test")'
ESCAPED = "&lt;script&gt;"


def hostile(where: str) -> str:
    """A payload that names the field it was typed into, so a page shows where it came from."""
    return f"{FORMULA} {where} {SCRIPT}"


@pytest.fixture
def hostile_study(db, make_study, make_panel, make_staff, submit):
    """Every free-text field holds a payload: study texts, section, item, panellists' names and
    groups, item and section comments, a suggestion; round 1 closed, round 2 open."""
    study = make_study(slug="hostile")
    study.title, study.description = hostile("title"), hostile("description")
    study.contact = hostile("contact")
    study.sections[0].title = hostile("section")
    study.items[0].text = hostile("item")
    panel = make_panel(study, n=6, groups=(f"{SCRIPT} group", "Plain group"))  # 100 at most
    for panellist in panel:
        panellist.name = hostile(f"name {panellist.pseudonym}")
    round1 = open_round(study)
    codes = [ri.code for ri in round1.round_items]
    for k, panellist in enumerate(panel):
        submit(round1, panellist, {code: (k + i) % 9 + 1 for i, code in enumerate(codes)},
               {code: hostile("comment") for code in codes})
    save_answers(response_for(round1, panel[0]), [], submit=True,
                 section_comments={study.sections[0].id: hostile("section comment")})
    db.session.add(Suggestion(round_id=round1.id, panellist_id=panel[0].id,
                              kind=SuggestionKind.NEW_ITEM, section_id=study.sections[0].id,
                              text=hostile("suggestion")))
    close_round(round1)
    launch_next_round(study)
    make_staff(email="coord@example.org", role="coordinator", studies=[study])
    db.session.commit()
    return study, panel


def _assert_inert_html(body: str, where: str) -> None:
    assert "<script>alert" not in body, where
    assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", ""), where
    assert 'href="http://x.test' not in body, where
    assert ESCAPED in body, f"{where}: the payload should be shown, escaped"


def test_panellist_pages_show_hostile_text_escaped(client, hostile_study):
    study, panel = hostile_study
    token = token_for(panel[0])
    for path in ("", "/round/2/section/1", "/round/2/review", "/answers"):
        response = client.get(f"/p/{token}{path}")
        assert response.status_code == 200, path
        _assert_inert_html(response.get_data(as_text=True), path or "welcome")


def test_console_pages_show_hostile_text_escaped(client, login_as, hostile_study):
    study, _ = hostile_study
    login_as("admin")
    base = f"/console/studies/{study.slug}"
    for path in ("/panel", "/content", "/setup", "/rounds/", "/rounds/1/review", "/audit",
                 "/messages", "/reports/view?round=1"):
        response = client.get(base + path)
        assert response.status_code == 200, path
        _assert_inert_html(response.get_data(as_text=True), path)
    index = client.get("/console/")
    _assert_inert_html(index.get_data(as_text=True), "console index")


def _download(client, study, name: str) -> bytes:
    response = download_report(client, study.slug, f"{name}:1")
    assert response.status_code == 200, name
    return response.data


def test_spreadsheet_exports_neutralise_formulas(client, login_as, hostile_study):
    study, _ = hostile_study
    login_as("admin")
    cells = [cell for row in csv.reader(io.StringIO(_download(client, study, "csv").decode()))
             for cell in row]
    workbook = load_workbook(io.BytesIO(_download(client, study, "xlsx")))
    cells += [str(cell.value) for sheet in workbook for row in sheet.iter_rows()
              for cell in row if cell.value is not None]
    with zipfile.ZipFile(io.BytesIO(_download(client, study, "raw"))) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode("utf-8-sig")
                cells += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any(FORMULA in cell for cell in cells), "the payload should be exported as text"
    dangerous = [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert not dangerous, dangerous[:3]


def test_the_pdf_report_prints_hostile_text_as_text(client, login_as, hostile_study):
    study, _ = hostile_study
    login_as("admin")
    pdf = _download(client, study, "pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<script>alert" in " ".join(text.split())  # printed literally, as words on paper
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf and b"/Launch" not in pdf


def test_emails_are_plain_text_with_the_hostile_name_as_text(app, db, hostile_study):
    study, panel = hostile_study
    send_pending()
    messages = [path.read_text() for path in dev_files(study)]
    assert messages
    for message in messages:
        assert "Content-Type: text/plain" in message
        assert "text/html" not in message
    assert any("name P00" in message and "<script>" in message for message in messages)
