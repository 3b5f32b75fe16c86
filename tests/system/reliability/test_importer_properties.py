"""Property-based tests of the three importers: whatever the file, a clean result or the
importer's own error naming where, never another exception, and the database unchanged on error.

Run with more examples by setting DELPHI_HEAVY=1 (``make verify`` does).
"""
from __future__ import annotations

import csv
import io
import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delphi.importing import InvalidFile
from delphi.panel.importer import import_panel
from delphi.rounds.errors import RoundError
from delphi.rounds.responses_import import import_responses
from delphi.studies.study_file import import_study_file, parse_study_file

pytestmark = pytest.mark.slow  # hypothesis: many generated files

EXAMPLES = 200 if os.environ.get("DELPHI_HEAVY") else 60
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Cells that have broken importers elsewhere: separators, quotes, line breaks, formulas, markup,
# non-Latin text, byte order marks, NUL, very long values, numbers in odd notations.
TRICKY = [
    "", " ", "a,b", '"', '""', 'say "hi"', "line\nbreak", "\r", "\t", "=1+1", "+cmd|' /C calc'!A0",
    "-2", "@SUM(A1)", "<script>alert(1)</script>", "<b>bold</b>", "Zoë Ñandú", "王小明",
    "\ufeffname", "\x00", "x" * 500, "1e3", "٣", "7.0", " 7 ", "U", "u", "P001", "S1.1",
    "ann@example.org", "ANN@EXAMPLE.ORG", "not-an-email", "a@b.c", "Social workers",
]
COLUMNS = ["name", "email", "group", "item", "rating", "comment", "extra", "", "Name ", "EMAIL"]

STUDY_FILE = """[study]
title = "Property study"
slug = "property-study"
contact = "team@example.org"

[scale]
min = 1
max = 9
labels = { 1 = "Not important", 9 = "Critical" }

[consensus]
rule = "comet"

[[sections]]
code = "S1"
title = "First"
items = [
  { code = "S1.1", text = "One." },
  { code = "S1.2", text = "Two." },
]
"""
TOML_PIECES = ['"', "'", "[", "]", "[[sections]]", "=", "{", "}", "\n", "#", "\\", "true", "-1",
               "1e400", "nan", "inf", '"""', "9999999999999999999999", "0x1F", "[scale]",
               'rule = "rand"', "max = 3", "min = 9", 'code = "S1.1"', "items = []",
               "labels = { 0 = \"x\" }", 'slug = "Bad Slug"', "\x00", "\ufeff", "é"]


def _row_counts(db) -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@st.composite
def csv_files(draw) -> bytes:
    """CSV files made of likely and unlikely headers and cells, quoted properly or not."""
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=6))
    cell = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=7), max_size=8))
    if draw(st.booleans()):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        text = out.getvalue()
    else:
        text = "\n".join(",".join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


any_bytes = st.binary(max_size=3000)


@st.composite
def study_files(draw) -> bytes:
    """The valid study file with lines dropped, duplicated or spliced with TOML fragments."""
    lines = STUDY_FILE.splitlines()
    for _ in range(draw(st.integers(0, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "splice", "replace"]))
        piece = draw(st.one_of(st.sampled_from(TOML_PIECES), st.text(max_size=12)))
        if action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "splice":
            position = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:position] + piece + lines[index][position:]
        else:
            lines[index] = piece
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


def _check_refusal(error: InvalidFile, filename: str) -> None:
    """The importer's own error: every problem says where (a line, or a key of an empty or
    short file), in words, without a traceback."""
    assert error.problems
    message = str(error)
    assert all(line.startswith(filename) for line in message.splitlines()
               if not line.startswith("(stopped after"))
    assert "Traceback" not in message
    for problem in error.problems:
        assert problem.message
        whole_file = ("no panellists" in problem.message or "no responses" in problem.message
                      or "MB can be imported" in problem.message)
        assert problem.line is not None or problem.where or whole_file, problem


@pytest.fixture
def target(db, open_study):
    """A committed study with round 1 open and six panellists, for imports to land in."""
    study, panel, round_ = open_study(n=6)
    return study


def _attempt(db, do, filename: str) -> None:
    counts = _row_counts(db)
    try:
        do()
    except InvalidFile as error:
        _check_refusal(error, filename)
        db.session.rollback()
        assert _row_counts(db) == counts
    except RoundError as error:  # the responses importer's refusal of a panellist or state
        assert str(error)
        db.session.rollback()
        assert _row_counts(db) == counts
    else:
        db.session.rollback()


@SETTINGS
@given(data=st.one_of(csv_files(), any_bytes))
def test_panel_import_takes_any_file_without_crashing(db, target, data):
    _attempt(db, lambda: import_panel(target, data, "panel.csv"), "panel.csv")


@SETTINGS
@given(data=st.one_of(csv_files(), any_bytes))
def test_responses_import_takes_any_file_without_crashing(db, target, data):
    _attempt(db, lambda: import_responses(target, data, "responses.csv"), "responses.csv")


@SETTINGS
@given(data=st.one_of(study_files(), any_bytes))
def test_study_file_takes_any_file_without_crashing(db, data):
    _attempt(db, lambda: import_study_file(parse_study_file(data, "study.toml")), "study.toml")


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["P002", "P003", "P004"]),
                               st.sampled_from(["S1.1", "S1.2", "S2.1"]),
                               st.sampled_from(["1", "5", "9", "U", "0", "10", "", "x"])),
                     min_size=1, max_size=12))
def test_a_clean_responses_import_stores_exactly_the_rows_given(db, target, rows):
    """Generated responses files whose rows are valid are stored row for row, else refused."""
    emails = {f"P00{k}": f"panellist{k}@example.org" for k in range(1, 7)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "item", "rating"])
    for pseudonym, code, rating in rows:
        writer.writerow([emails[pseudonym], code, rating])
    keys = [(p, c) for p, c, _ in rows]
    valid = len(set(keys)) == len(keys) and all(r in {"1", "5", "9", "U"} for _, _, r in rows)
    counts = _row_counts(db)
    try:
        result = import_responses(target, out.getvalue().encode(), "responses.csv")
    except InvalidFile as error:
        assert not valid, str(error)
        _check_refusal(error, "responses.csv")
        db.session.rollback()
        assert _row_counts(db) == counts
        return
    assert valid
    assert result.answers == len(rows)
    assert result.panellists == len({p for p, _ in keys})
    stored = db.session.execute(sa.text(
        "SELECT p.pseudonym, ri.code, r.value, r.unable FROM rating r "
        "JOIN response s ON s.id = r.response_id JOIN panellist p ON p.id = s.panellist_id "
        "JOIN round_item ri ON ri.id = r.round_item_id")).all()
    expected = {(p, c, None if r == "U" else int(r), r == "U") for p, c, r in rows}
    assert {(p, c, v, bool(u)) for p, c, v, u in stored} == expected
    db.session.rollback()
