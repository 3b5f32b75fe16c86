"""``delphi items import`` and ``delphi panel links``, run through the installed entry point in a
process of its own, against the test database."""
from __future__ import annotations

import csv
import io
import stat

from delphi.models import AuditEvent, Item, Section
from delphi.rounds.lifecycle import open_round


def _contents(db, study) -> list[tuple[str, str, str, int]]:
    return [tuple(row) for row in db.session.execute(
        db.select(Section.code, Item.code, Item.text, Item.position).join(Item.section)
        .where(Item.study_id == study.id).order_by(Section.position, Item.position))]


def test_items_import_adds_sections_and_items(delphi, db, make_study, tmp_path):
    study = make_study(items_per_section=2)
    items = tmp_path / "items.csv"
    items.write_text("section,code,text,explanation\n"
                     "S1,,Decisions are made jointly.,Not stored.\n"
                     "Keeping going,,Contact continues after the work ends.,\n"
                     "keeping going,,Endings are planned together.,\n", encoding="utf-8")

    result = delphi("items", "import", "test-study", str(items))

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("Added 3 items to test-study:\n"
                             "  S1 Section 1: 1 (S1.3)\n"
                             "  S3 Keeping going (new section): 2 (S3.1 to S3.2)\n")
    assert _contents(db, study) == [
        ("S1", "S1.1", "Guidance item 1.1.", 1), ("S1", "S1.2", "Guidance item 1.2.", 2),
        ("S1", "S1.3", "Decisions are made jointly.", 3),
        ("S2", "S2.1", "Guidance item 2.1.", 1), ("S2", "S2.2", "Guidance item 2.2.", 2),
        ("S3", "S3.1", "Contact continues after the work ends.", 1),
        ("S3", "S3.2", "Endings are planned together.", 2)]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="items.import"))
    assert (event.actor, event.target) == ("command line", str(items))


def test_items_import_refuses_a_bad_file_and_writes_nothing(delphi, db, make_study, tmp_path):
    study = make_study(items_per_section=2)
    before = _contents(db, study)
    bad = tmp_path / "bad.csv"
    bad.write_text("section,code,text\nS1,S1.2,Taken code.\nS9,,\n", encoding="utf-8")

    result = delphi("items", "import", "test-study", str(bad))

    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {bad}, line 2, column code: S1.2 is already used by item S1.2 of test-study",
        f"{bad}, line 3, column text: the text is empty"]
    assert _contents(db, study) == before
    assert db.session.scalar(db.select(Section.id).filter_by(code="S9")) is None


def test_items_import_is_refused_once_round_1_has_opened(delphi, db, make_study, make_panel,
                                                        tmp_path):
    study = make_study(items_per_section=2)
    make_panel(study, n=2)
    open_round(study)
    before = _contents(db, study)
    items = tmp_path / "items.csv"
    items.write_text("section,code,text\nS1,,Too late.\n", encoding="utf-8")

    result = delphi("items", "import", "test-study", str(items))

    assert result.returncode == 1
    assert result.stderr == (
        "Error: Round 1 of test-study has opened, so items are no longer imported: between "
        "rounds, reword items and add items from suggestions on the review page.\n")
    assert _contents(db, study) == before


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_panel_links_writes_a_private_file_and_keeps_an_existing_one(app, delphi, db,
                                                                     make_study, make_panel,
                                                                     tmp_path):
    study = make_study()
    make_panel(study, n=3)
    open_round(study)
    output = tmp_path / "links.csv"

    written = delphi("panel", "links", "test-study", "--output", str(output))

    assert (written.returncode, written.stderr) == (0, "")
    assert written.stdout.startswith(f"Wrote 3 links to {output}; ")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfpseudonym,name,email,group,link\r\n")
    rows = _rows(data)
    assert [row[:4] for row in rows[1:]] == [
        ["P001", "Panellist 1", "panellist1@example.org", "Social workers"],
        ["P002", "Panellist 2", "panellist2@example.org", "People who use services"],
        ["P003", "Panellist 3", "panellist3@example.org", "Social workers"]]
    with app.app_context():  # the link opens the panellist's questionnaire
        welcome = app.test_client().get(rows[2][4].removeprefix(app.config["BASE_URL"]))
    assert welcome.status_code == 200 and "Study test-study" in welcome.get_data(as_text=True)

    output.write_text("the team's own notes\n")
    output.chmod(0o644)
    kept = delphi("panel", "links", "test-study", "--output", str(output))
    assert kept.returncode == 1
    assert kept.stderr == (f"Error: {output} already exists; nothing was written (add --force "
                           "to replace it).\n")
    assert output.read_text() == "the team's own notes\n"

    replaced = delphi("panel", "links", "test-study", "--output", str(output), "--force")
    assert replaced.returncode == 0
    assert output.read_bytes() == data
    assert stat.S_IMODE(output.stat().st_mode) == 0o600

    events = db.session.execute(db.select(AuditEvent.actor, AuditEvent.after)
                                .filter_by(action="panel.links_download")
                                .order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [("command line", {"links": 3})] * 2


def test_panel_links_without_output_prints_the_csv(delphi, db, make_study, make_panel):
    study = make_study()
    make_panel(study, n=2)

    printed = delphi("panel", "links", "test-study")

    assert printed.returncode == 0
    rows = _rows(printed.stdout.encode())
    assert [row[0] for row in rows] == ["pseudonym", "P001", "P002"]
    assert all(row[4].startswith("http://delphi.test/p/") for row in rows[1:])
