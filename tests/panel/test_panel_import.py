"""``delphi panel import`` and ``delphi panel list``, and every panel file error."""
from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest

from delphi.models import OutboxMessage, Panellist, Response, ResponseStatus, Study
from delphi.panel.tokens import find_panellist

PANEL = """name,email,group
Aisha Rahman,aisha.rahman@example.org,Social workers
Gareth Llewellyn,gareth@example.org,Social workers
Mei Chen,mei.chen@example.org,People who use services
"""


def _panel(db, slug="test-guidance") -> list[Panellist]:
    study_id = db.session.scalar(db.select(Study.id).filter_by(slug=slug))
    return db.session.scalars(db.select(Panellist).filter_by(study_id=study_id)
                              .order_by(Panellist.pseudonym)).all()


def test_import_adds_panellists_with_pseudonyms_and_links(cli, write_file, imported_study, db):
    slug = imported_study()
    content = codecs.BOM_UTF8 + PANEL.encode("utf-8")  # as Excel saves "CSV UTF-8"
    result = cli("panel", "import", slug, write_file("panel.csv", content))

    assert result.exit_code == 0, result.output
    assert result.output == (f"Added 3 panellists to {slug}:\n"
                             "  People who use services: 1\n  Social workers: 2\n"
                             "New stakeholder groups: People who use services, Social workers.\n")
    panel = _panel(db)
    assert [(p.pseudonym, p.name, p.email, p.group) for p in panel] == [
        ("P001", "Aisha Rahman", "aisha.rahman@example.org", "Social workers"),
        ("P002", "Gareth Llewellyn", "gareth@example.org", "Social workers"),
        ("P003", "Mei Chen", "mei.chen@example.org", "People who use services"),
    ]
    listing = cli("panel", "list", slug).output.splitlines()
    assert len(listing) == 3
    pseudonym, group, status, link = listing[0].split("\t")
    assert (pseudonym, group, status) == ("P001", "Social workers", "active")
    assert link.startswith("http://delphi.test/p/")
    assert find_panellist(link.rsplit("/", 1)[1]).email == "aisha.rahman@example.org"
    # No round is open, so nobody is invited yet.
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_pseudonyms_continue_the_study_sequence(cli, write_file, imported_study, db):
    slug = imported_study()
    assert cli("panel", "import", slug, write_file("a.csv", PANEL)).exit_code == 0
    more = "name,email,group\nOla Nowak,ola@example.org,Researchers\n"
    result = cli("panel", "import", slug, write_file("b.csv", more))

    assert result.exit_code == 0, result.output
    assert [p.pseudonym for p in _panel(db)] == ["P001", "P002", "P003", "P004"]


def test_panellists_added_during_an_open_round_are_invited(cli, write_file, imported_study, db):
    slug = imported_study()
    cli("panel", "import", slug, write_file("a.csv", PANEL))
    assert cli("round", "open", slug).exit_code == 0
    result = cli("panel", "import", slug,
                 write_file("b.csv", "name,email,group\nOla Nowak,ola@example.org,Researchers\n"))

    assert result.exit_code == 0, result.output
    assert "They are invited to round 1, which is open." in result.output
    ola = db.session.scalar(db.select(Panellist).filter_by(email="ola@example.org"))
    response = db.session.scalar(db.select(Response).filter_by(panellist_id=ola.id))
    assert response.status is ResponseStatus.INVITED
    assert response.invited_at is not None
    messages = db.session.scalars(db.select(OutboxMessage).filter_by(kind="invitation")).all()
    assert sorted(m.to_address for m in messages) == [
        "aisha.rahman@example.org", "gareth@example.org", "mei.chen@example.org", "ola@example.org"]


def test_list_shows_withdrawn_panellists_without_a_link(cli, write_file, imported_study, db):
    slug = imported_study()
    cli("panel", "import", slug, write_file("a.csv", PANEL))
    _panel(db)[1].withdrawn_at = datetime.now(UTC).replace(tzinfo=None)
    db.session.commit()
    assert cli("panel", "list", slug).output.splitlines()[1] == "P002\tSocial workers\twithdrawn\t-"


@pytest.mark.parametrize("content, expected", [
    ("name,email,group,phone\nA,a@example.org,G,123\n",
     "panel.csv, line 1, column phone: unexpected column 'phone'; expected the columns: name, email, group"),
    ("name,group\nA,G\n", "panel.csv, line 1, column email: missing column 'email'"),
    ("name,email,email,group\nA,a@example.org,a@example.org,G\n",
     "panel.csv, line 1, column email: column 'email' appears twice"),
    ("name,email,group\nA,a@example.org,G\n,b@example.org,G\n",
     "panel.csv, line 3, column name: the name is empty"),
    ("name,email,group\nA,a@example.org,\n", "panel.csv, line 2, column group: the group is empty"),
    ("name,email,group\nA,a.example.org,G\n",
     "panel.csv, line 2, column email: 'a.example.org' is not an e-mail address"),
    ("name,email,group\nA,a@example.org,G\nB,A@Example.org,G\n",
     "panel.csv, line 3, column email: A@Example.org appears twice in the file (first on line 2)"),
    ("name,email,group\nA,a@example.org,G,extra\n",
     "panel.csv, line 2: found 4 cells, expected 3 (name, email, group)"),
    ('name,email,group\n"A,a@example.org,G\n', "panel.csv, line 2: this is not valid CSV"),
    ("", "panel.csv, line 1: the file is empty; expected a header row: name, email, group"),
    ("name,email,group\n", "panel.csv: the file has a header but no panellists"),
    ("name,email,group\nZoë Brontë,zoe@example.org,G\n".encode("cp1252"),
     "panel.csv, line 2: byte 0xeb is not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "panel.csv, line 1: byte 0x89 is not UTF-8 text"),
    (b"name,email,group\nA,a@example.org,G\x00\n", "panel.csv, line 2: the file contains binary data"),
    # A control character in a column name is written as an escape, so the line stays whole.
    ("name,email,group,x\x0by\nA,a@example.org,G,1\n",
     "panel.csv, line 1, column x\\x0by: unexpected column 'x\\x0by'; expected the columns"),
])
def test_a_bad_panel_file_names_line_and_column_and_changes_nothing(
        cli, write_file, imported_study, row_counts, content, expected):
    slug = imported_study()
    before = row_counts()
    result = cli("panel", "import", slug, write_file("panel.csv", content))

    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert row_counts() == before


def test_an_email_already_on_the_panel_is_refused(cli, write_file, imported_study, row_counts):
    slug = imported_study()
    cli("panel", "import", slug, write_file("a.csv", PANEL))
    before = row_counts()
    content = "name,email,group\nNew Person,new@example.org,G\nMei,MEI.CHEN@example.org,G\n"
    result = cli("panel", "import", slug, write_file("panel.csv", content))

    assert result.exit_code == 1
    assert (f"panel.csv, line 3, column email: MEI.CHEN@example.org is already on the panel "
            f"of {slug} as P003") in result.output
    assert row_counts() == before


def test_every_bad_row_is_reported(cli, write_file, imported_study):
    slug = imported_study()
    content = "name,email,group\n,a@example.org,G\nB,not-an-address,G\nC,c@example.org,\n"
    output = cli("panel", "import", slug, write_file("panel.csv", content)).output
    assert "line 2, column name" in output
    assert "line 3, column email" in output
    assert "line 4, column group" in output


def test_unknown_study(cli, write_file):
    result = cli("panel", "import", "nope", write_file("panel.csv", PANEL))
    assert result.exit_code == 1
    assert "No study has the slug 'nope'; there are no studies yet." in result.output


def test_list_of_an_empty_panel(cli, imported_study):
    slug = imported_study()
    assert "has no panellists yet" in cli("panel", "list", slug).output


def test_a_flood_of_problems_stops_at_fifty(cli, write_file, imported_study, row_counts):
    slug = imported_study()
    before = row_counts()
    content = "name,email,group\n" + "".join(f"P{k},not-an-address-{k},G\n" for k in range(80))
    output = cli("panel", "import", slug, write_file("panel.csv", content)).output
    assert output.count("is not an e-mail address") == 50
    assert "line 51, column email" in output and "line 52," not in output
    assert "(stopped after 50 problems)" in output
    assert row_counts() == before


def test_groups_match_whatever_the_case_and_the_new_ones_are_named(cli, write_file,
                                                                   imported_study, db):
    slug = imported_study()
    cli("panel", "import", slug, write_file("first.csv", PANEL.encode()))
    second = ("name,email,group\n"
              "Ola Nowak,ola@example.org,SOCIAL WORKERS\n"
              "Sam Reid,sam@example.org,carers\n"
              "Tom Reid,tom@example.org,Carers\n")
    result = cli("panel", "import", slug, write_file("second.csv", second.encode()))
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "  Social workers: 1\n  carers: 2\nNew stakeholder group: carers.\n")
    groups = {p.email: p.group for p in _panel(db)}
    assert groups["ola@example.org"] == "Social workers"
    assert groups["sam@example.org"] == groups["tom@example.org"] == "carers"


def _panel_file(rows: int, start: int = 0) -> bytes:
    lines = [f"Person {k},person{k}@example.org,{'Carers' if k % 2 else 'Nurses'}"
             for k in range(start, start + rows)]
    return ("name,email,group\n" + "\n".join(lines) + "\n").encode()


def test_an_import_writes_its_rows_in_statements_that_do_not_grow_with_the_file(
        imported_study, db, count_queries):
    """20 or 2,000 rows: the same statements (rows written in bulk), and every row with a
    working personal link."""
    from delphi.panel.importer import import_panel
    from delphi.panel.tokens import token_for

    study = db.session.scalar(db.select(Study).filter_by(slug=imported_study()))
    counts = []
    for rows, start in ((20, 0), (2_000, 20)):
        with count_queries() as statements:
            result = import_panel(study, _panel_file(rows, start), "panel.csv")
        counts.append(len(statements))
        assert result.added == rows
    db.session.commit()

    assert counts[0] == counts[1]
    assert result.per_group == {"Carers": 1_000, "Nurses": 1_000}
    assert result.new_groups == [] and result.invited_to_round is None
    panel = {p.pseudonym: p for p in _panel(db)}
    assert len(panel) == 2_020 and "P2020" in panel
    assert find_panellist(token_for(panel["P2020"])).email == "person2019@example.org"
