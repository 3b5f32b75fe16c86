"""Importing sections and items on the Content page: CSV, Excel and pasted rows, all or nothing."""
from __future__ import annotations

import html
import io

from openpyxl import Workbook

from delphi.models import AuditEvent, Item, Section
from delphi.rounds.lifecycle import open_round

BASE = "/console/studies/test-study"


def _post_file(client, data: bytes, name: str):
    return client.post(f"{BASE}/items/import", data={"items-file": (io.BytesIO(data), name)})


def _paste(client, text: str):
    return client.post(f"{BASE}/items/import", data={"items-pasted": text})


def _contents(db, study) -> list[tuple[str, str, str, int]]:
    """(section code, item code, text, position) of every item, sections and items in order."""
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        db.select(Section.code, Item.code, Item.text, Item.position)
        .join(Item.section).where(Item.study_id == study.id)
        .order_by(Section.position, Item.position))]


def _sections(db, study) -> list[tuple[str, str, int]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        db.select(Section.code, Section.title, Section.position)
        .filter_by(study_id=study.id).order_by(Section.position))]


ORIGINAL = [("S1", "S1.1", "Guidance item 1.1.", 1), ("S1", "S1.2", "Guidance item 1.2.", 2),
            ("S2", "S2.1", "Guidance item 2.1.", 1), ("S2", "S2.2", "Guidance item 2.2.", 2)]

GOOD_CSV = """\
section,code,text,explanation
S1,,Decisions are made jointly.,Both take responsibility.
s1,S1.9,"The worker explains the approach, in plain words.",
Section 2,,The map includes connections made within services.,
Keeping going,,Contact continues after the work ends.,
KEEPING GOING,KG-1,Endings are planned together.,
Intro,,The study's purpose is explained first.,
"""


def test_a_good_csv_adds_sections_and_items_with_codes_continued(client, db, login_as,
                                                                  make_study):
    study = make_study(items_per_section=2)
    coordinator = login_as("coordinator", studies=[study])

    response = _post_file(client, GOOD_CSV.encode(), "items.csv")

    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/content"
    page = client.get(f"{BASE}/content").get_data(as_text=True)
    assert "6 items imported from items.csv; new sections: S3, Intro." in page
    assert _sections(db, study) == [("S1", "Section 1", 1), ("S2", "Section 2", 2),
                                    ("S3", "Keeping going", 3), ("Intro", "Intro", 4)]
    assert _contents(db, study) == [
        *ORIGINAL[:2],
        ("S1", "S1.3", "Decisions are made jointly.", 3),
        ("S1", "S1.9", "The worker explains the approach, in plain words.", 4),
        *ORIGINAL[2:],
        ("S2", "S2.3", "The map includes connections made within services.", 3),
        ("S3", "S3.1", "Contact continues after the work ends.", 1),
        ("S3", "KG-1", "Endings are planned together.", 2),
        ("Intro", "Intro.1", "The study's purpose is explained first.", 1),
    ]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="items.import"))
    assert (event.actor, event.target, event.study_id) == (coordinator.email, "items.csv",
                                                           study.id)
    assert event.after == {"items": 6, "new_sections": ["S3", "Intro"], "codes": [
        "S1.3", "S1.9", "S2.3", "S3.1", "KG-1", "Intro.1"]}


def test_numbering_continues_after_the_highest_number_and_skips_codes_in_use(
        client, db, login_as, make_study):
    study = make_study(sections=1, items_per_section=2)
    db.session.add(Item(study=study, section=study.sections[0], code="S1.7", text="Seventh.",
                        position=3))
    login_as("coordinator", studies=[study])

    response = _paste(client, "section,code,text\nS1,S1.9,Explicit nine.\nS1,,Next.\nS1,,Then.\n")

    assert response.status_code == 302
    codes = [row[1] for row in _contents(db, study)]
    assert codes == ["S1.1", "S1.2", "S1.7", "S1.9", "S1.8", "S1.10"]


def test_an_excel_workbook_is_read_from_its_first_sheet(client, db, login_as, make_study):
    study = make_study(items_per_section=1)
    login_as("coordinator", studies=[study])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Section", "Code", "Text", "Explanation"])
    sheet.append(["S2", None, "From the spreadsheet.", None])
    sheet.append(["New part", 7, "A code typed as a number.", "Kept as 7, not 7.0."])
    sheet.append([None, None, None, None])  # an empty row is skipped
    sheet.append(["new part", None, "Second item of the new part.", None])
    workbook.create_sheet("Notes").append(["section", "code", "text"])  # only the first is read
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = _post_file(client, buffer.getvalue(), "items.xlsx")

    assert response.status_code == 302
    assert _sections(db, study)[-1] == ("S3", "New part", 3)
    assert _contents(db, study)[1:] == [
        ("S2", "S2.1", "Guidance item 2.1.", 1),
        ("S2", "S2.2", "From the spreadsheet.", 2),
        ("S3", "7", "A code typed as a number.", 1),
        ("S3", "S3.1", "Second item of the new part.", 2),
    ]


def test_rows_pasted_from_a_spreadsheet_are_tab_separated(client, db, login_as, make_study):
    study = make_study(sections=1, items_per_section=1)
    login_as("coordinator", studies=[study])

    response = _paste(client, "section\tcode\ttext\r\nS1\t\tPasted, with a comma.\r\n"
                              "S1\tS1.5\tAnother.\r\n")

    assert response.status_code == 302
    page = client.get(f"{BASE}/content").get_data(as_text=True)
    assert "2 items imported from pasted rows." in page
    assert _contents(db, study) == [("S1", "S1.1", "Guidance item 1.1.", 1),
                                    ("S1", "S1.2", "Pasted, with a comma.", 2),
                                    ("S1", "S1.5", "Another.", 3)]


BAD_CSV = (
    "section,code,text,explanation\n"
    "S1,S1.1,Uses a code the study has.,\n"
    ",S1.20,No section.,\n"
    "S1,=1+1,A formula for a code.,\n"
    "S2,X.1,First X.1.,\n"
    "S2,x.1,Second x.1.,\n"
    f"S2,,{'w' * 2001},\n"
    "S2,,,\n"
    "S2,,Bell \a in the text.,\n"
    f"{'T' * 301},,Section title too long.,\n"
    "S2,,Fine.,Tab\x0bin the explanation\n"
)


def test_every_problem_is_listed_by_line_and_column_and_nothing_is_written(
        client, db, login_as, make_study):
    study = make_study(items_per_section=2)
    login_as("coordinator", studies=[study])

    response = _post_file(client, BAD_CSV.encode(), "bad.csv")

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "The items were not imported" in page
    expected = [
        "bad.csv, line 2, column code: S1.1 is already used by item S1.1 of test-study",
        "bad.csv, line 3, column section: the section is empty",
        "bad.csv, line 4, column code: the code must start with a letter or digit",
        "bad.csv, line 6, column code: x.1 appears twice in the file (first on line 5)",
        "bad.csv, line 7, column text: the text is 2,001 characters long; the limit is 2,000.",
        "bad.csv, line 8, column text: the text is empty",
        "bad.csv, line 9, column text: the text contains a control character (U+0007) at "
        "character 6; remove it.",
        "bad.csv, line 10, column section: the section is 301 characters long; the limit is 300.",
        "bad.csv, line 11, column explanation: the explanation contains a control character "
        "(U+000B) at character 4; remove it.",
    ]
    positions = [page.find(problem) for problem in expected]
    assert -1 not in positions, [p for p, at in zip(expected, positions, strict=True) if at == -1]
    assert positions == sorted(positions)  # in file order
    assert _contents(db, study) == ORIGINAL
    assert [s[0] for s in _sections(db, study)] == ["S1", "S2"]
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="items.import")) is None


def test_a_wrong_header_and_a_file_that_is_not_a_workbook(client, db, login_as, make_study):
    study = make_study(items_per_section=2)
    login_as("coordinator", studies=[study])

    wrong = _post_file(client, b"section,wording\nS1,Something.\n", "items.csv")
    cells = _post_file(client, b"section,code,text\nS1,,Fine.\nS1,,Too many,cells\n", "n.csv")
    not_excel = _post_file(client, b"PK\x03\x04 not really a zip", "items.xlsx")
    old_excel = _post_file(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "items.xls")

    assert [r.status_code for r in (wrong, cells, not_excel, old_excel)] == [400] * 4
    page = html.unescape(wrong.get_data(as_text=True))
    assert ("items.csv, line 1, column code: missing column 'code'; expected the columns: "
            "section, code, text, explanation") in page
    assert "items.csv, line 1, column wording: unexpected column 'wording'" in page
    assert "n.csv, line 3: found 4 cells, expected 3 (section, code, text, explanation)" in (
        cells.get_data(as_text=True))
    assert ("items.xlsx: this is not an Excel workbook (.xlsx) that can be read"
            in not_excel.get_data(as_text=True))
    assert "items.xls: this is an Excel 97-2003 workbook (.xls)" in old_excel.get_data(
        as_text=True)
    assert _contents(db, study) == ORIGINAL


def test_an_excel_problem_names_the_row_of_the_sheet(client, db, login_as, make_study):
    study = make_study(items_per_section=2)
    login_as("coordinator", studies=[study])
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])  # the header may start below an empty first row
    sheet.append(["section", "code", "text"])
    sheet.append(["S1", "S1.8", "Fine."])
    sheet.append(["S1", "S1.8", "Duplicate."])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = _post_file(client, buffer.getvalue(), "items.xlsx")

    assert response.status_code == 400
    assert ("items.xlsx, line 4, column code: S1.8 appears twice in the file (first on line 3)"
            in response.get_data(as_text=True))
    assert _contents(db, study) == ORIGINAL


def test_a_file_or_pasted_rows_but_not_both_nor_neither(client, db, login_as, make_study):
    study = make_study(items_per_section=2)
    login_as("coordinator", studies=[study])

    neither = client.post(f"{BASE}/items/import", data={"items-pasted": "  "})
    both = client.post(f"{BASE}/items/import", data={
        "items-file": (io.BytesIO(b"section,code,text\nS1,,A.\n"), "items.csv"),
        "items-pasted": "section,code,text\nS1,,B.\n"})

    assert (neither.status_code, both.status_code) == (400, 400)
    assert "Choose a file, or paste the rows below." in neither.get_data(as_text=True)
    assert "Choose a file or paste the rows, not both." in both.get_data(as_text=True)
    assert _contents(db, study) == ORIGINAL


def test_the_page_shows_the_columns_and_an_example(client, db, login_as, make_study):
    study = make_study()
    login_as("coordinator", studies=[study])

    page = html.unescape(client.get(f"{BASE}/content").get_data(as_text=True))

    assert "Import sections and items" in page
    assert "<code>section,code,text,explanation</code>" in page
    assert ("S1,S1.9,Decisions are made jointly.,Both take responsibility for acting on them."
            in page)
    assert 'name="items-file"' in page and 'name="items-pasted"' in page


def test_once_round_1_has_opened_items_are_not_imported(client, db, login_as, make_study,
                                                        make_panel):
    study = make_study(items_per_section=2)
    make_panel(study, n=2)
    open_round(study)
    login_as("coordinator", studies=[study])

    response = _paste(client, "section,code,text\nS1,,Late addition.\n")

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert ("Round 1 of test-study has opened, so items are no longer imported: between rounds, "
            "reword items and add items from suggestions on the review page.") in page
    assert 'name="items-pasted"' not in page  # the form is no longer offered
    assert _contents(db, study) == ORIGINAL
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="items.import")) is None
    shown = client.get(f"{BASE}/content").get_data(as_text=True)
    assert "Round 1 has opened, so items are no longer imported" in shown


def test_another_studys_coordinator_cannot_import(client, db, login_as, make_study):
    study = make_study(items_per_section=2)
    other = make_study(slug="other-study")
    login_as("coordinator", studies=[other])

    response = _paste(client, "section,code,text\nS1,,Sneaked in.\n")

    assert response.status_code == 404
    assert _contents(db, study) == ORIGINAL
