"""Malformed files fed to every importer: each gets a precise message naming the file, the line
and the column or key, and the database is left exactly as it was."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from delphi.importing import MAX_FILE_BYTES, InvalidFile
from delphi.models import Panellist
from delphi.panel.importer import import_panel
from delphi.rounds.responses_import import import_responses
from delphi.studies.study_file import import_study_file, parse_study_file

PANEL_HEADER = "name,email,group\n"
HUGE_PANEL = (PANEL_HEADER + "Ann Example,ann@example.org,Nurses\n" * (
    MAX_FILE_BYTES // 35 + 10)).encode()

PANEL_CASES = [
    ("latin-1", (PANEL_HEADER + "Zoë Roe,zoe@example.org,Nurses\n").encode("latin-1"),
     "panel.csv, line 2: byte 0xeb is not UTF-8 text; save the file as UTF-8"),
    ("utf-16", (PANEL_HEADER + "Ann,ann@example.org,Nurses\n").encode("utf-16"),
     "panel.csv, line 1: byte 0xff is not UTF-8 text"),
    ("missing column", b"name,email\nAnn,ann@example.org\n",
     "panel.csv, line 1, column group: missing column 'group'; expected the columns: "
     "name, email, group"),
    ("extra column", b"name,email,group,phone\nAnn,ann@example.org,Nurses,0123\n",
     "panel.csv, line 1, column phone: unexpected column 'phone'"),
    ("repeated column", b"name,email,group,email\nAnn,ann@example.org,Nurses,a@b.org\n",
     "panel.csv, line 1, column email: column 'email' appears twice"),
    ("short row", (PANEL_HEADER + "Ann,ann@example.org\n").encode(),
     "panel.csv, line 2: found 2 cells, expected 3 (name, email, group)"),
    ("duplicate e-mail", (PANEL_HEADER + "Ann,ann@example.org,Nurses\n"
                          "Bob,Ann@Example.org,Nurses\n").encode(),
     "panel.csv, line 3, column email: Ann@Example.org appears twice in the file "
     "(first on line 2)"),
    ("already on the panel", (PANEL_HEADER + "Ann,panellist1@example.org,Nurses\n").encode(),
     "panel.csv, line 2, column email: panellist1@example.org is already on the panel of "
     "reliable as P001"),
    ("not an address", (PANEL_HEADER + "Ann,=HYPERLINK(\"http://x\"),Nurses\n").encode(),
     "panel.csv, line 2, column email: '=HYPERLINK(\"http://x\")' is not an e-mail address"),
    ("empty cell", (PANEL_HEADER + "Ann,ann@example.org,\n").encode(),
     "panel.csv, line 2, column group: the group is empty"),
    ("too long", (PANEL_HEADER + f"{'A' * 201},ann@example.org,Nurses\n").encode(),
     "panel.csv, line 2, column name: is 201 characters long; the limit is 200."),
    ("binary", b"name,email,group\n\x00\x01\x02",
     "panel.csv, line 2: the file contains binary data; expected a CSV text file"),
    ("empty file", b"", "panel.csv, line 1: the file is empty; expected a header row"),
    ("header only", PANEL_HEADER.encode(), "panel.csv: the file has a header but no panellists"),
    ("unclosed quote", (PANEL_HEADER + 'Ann,"ann@example.org,Nurses\n').encode(),
     "panel.csv, line 2"),
    ("huge", HUGE_PANEL, "panel.csv: the file is 10.0 MB; at most 10 MB can be imported"),
]

RESPONSES_HEADER = "email,item,rating,comment\n"
RESPONSES_CASES = [
    ("off the scale", (RESPONSES_HEADER + "panellist2@example.org,S1.1,10,\n").encode(),
     "responses.csv, line 2, column rating: found '10', expected a whole number from 1 to 9 "
     "or U (unable to rate)"),
    ("a formula", (RESPONSES_HEADER + "panellist2@example.org,S1.1,=4+5,\n").encode(),
     "responses.csv, line 2, column rating: found '=4+5'"),
    ("a decimal", (RESPONSES_HEADER + "panellist2@example.org,S1.1,7.5,\n").encode(),
     "responses.csv, line 2, column rating: found '7.5'"),
    ("unknown item", (RESPONSES_HEADER + "panellist2@example.org,S9.9,5,\n").encode(),
     "responses.csv, line 2, column item: 'S9.9' is not an item of round 1"),
    ("another study's panellist", (RESPONSES_HEADER + "someone@else.org,S1.1,5,\n").encode(),
     "responses.csv, line 2, column email: someone@else.org is not on the panel of reliable"),
    ("duplicate row", (RESPONSES_HEADER + "panellist2@example.org,S1.1,5,\n"
                       "panellist2@example.org,S1.1,6,\n").encode(),
     "responses.csv, line 3, column item: a second row for panellist2@example.org and item "
     "S1.1 (the first is on line 2)"),
    ("missing column", b"email,item\npanellist2@example.org,S1.1\n",
     "responses.csv, line 1, column rating: missing column 'rating'"),
    ("latin-1", (RESPONSES_HEADER + "panellist2@example.org,S1.1,5,très bien\n").encode("latin-1"),
     "responses.csv, line 2: byte 0xe8 is not UTF-8 text"),
]

STUDY = """[study]
title = "Bad files"
slug = "bad-files"

[[sections]]
code = "S1"
title = "First"
items = [
  { code = "S1.1", text = "One." },
  { code = "S1.1", text = "Two." },
]
"""
STUDY_CASES = [
    ("duplicate code", STUDY.encode(),
     "study.toml, line 10, section S1 item 2 code: duplicate code 'S1.1'; it is already used "
     "on line 9"),
    ("latin-1", STUDY.replace("One.", "Début.").encode("latin-1"),
     "study.toml, line 9: byte 0xe9 is not UTF-8 text"),
    ("syntax", STUDY.replace('title = "First"', 'title = "First').encode(),
     "study.toml, line 7, column 15: TOML syntax error"),
    ("off-scale label", STUDY.replace("[[sections]]",
                                      "[scale]\nlabels = { 12 = \"Huge\" }\n\n[[sections]]")
     .replace('"S1.1", text = "Two."', '"S1.2", text = "Two."').encode(),
     "study.toml, line 6, [scale] labels 12: 12 is not on the scale 1 to 9"),
    ("huge", STUDY.encode() + b"#" * MAX_FILE_BYTES,
     "study.toml: the file is 10.0 MB; at most 10 MB can be imported"),
]


def _row_counts(db) -> dict[str, int]:
    db.session.rollback()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.fixture
def study(open_study):
    return open_study(n=6)[0]


def _refused(db, do, expected: str) -> str:
    before = _row_counts(db)
    with pytest.raises(InvalidFile) as caught:
        do()
    assert _row_counts(db) == before
    message = str(caught.value)
    assert expected in message, message
    return message


@pytest.mark.parametrize("case,data,expected", PANEL_CASES, ids=[c[0] for c in PANEL_CASES])
def test_a_bad_panel_file_is_refused_precisely(db, study, case, data, expected):
    _refused(db, lambda: import_panel(study, data, "panel.csv"), expected)


@pytest.mark.parametrize("case,data,expected", RESPONSES_CASES,
                         ids=[c[0] for c in RESPONSES_CASES])
def test_a_bad_responses_file_is_refused_precisely(db, study, case, data, expected):
    _refused(db, lambda: import_responses(study, data, "responses.csv"), expected)


@pytest.mark.parametrize("case,data,expected", STUDY_CASES, ids=[c[0] for c in STUDY_CASES])
def test_a_bad_study_file_is_refused_precisely(db, study, case, data, expected):
    _refused(db, lambda: import_study_file(parse_study_file(data, "study.toml")), expected)


def test_markup_and_formulas_in_a_panel_file_are_stored_as_plain_text(db, study):
    """Names may legitimately start with = or contain <; they are data, made inert on output."""
    data = (PANEL_HEADER + '"=HYPERLINK(""http://evil.example"",""Click"")",eve@example.org,'
            "<script>alert(1)</script>\n").encode()

    assert import_panel(study, data, "panel.csv").added == 1
    db.session.commit()
    added = db.session.scalar(db.select(Panellist).filter_by(email="eve@example.org"))

    assert added.name == '=HYPERLINK("http://evil.example","Click")'
    assert added.group == "<script>alert(1)</script>"
