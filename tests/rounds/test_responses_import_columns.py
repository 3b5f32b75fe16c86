"""The checked answers of a responses file: held in compact columns, the same as the file says.

A file of hundreds of thousands of rows is checked whole before anything is stored, so its
answers are held as machine numbers rather than an object per answer; a row repeating an answer
is refused naming the line of the first, looked up only then.
"""
from __future__ import annotations

import csv
import io
import tracemalloc

import pytest
import sqlalchemy as sa

from delphi.extensions import db
from delphi.importing import InvalidFile
from delphi.models import Panellist, Round, RoundItem, Study
from delphi.rounds.responses_import import check_responses_file
from delphi.validation import COMMENT_MAX_LENGTH, text_problem
from tests.support import data
from tests.support.backends import sqlite_only

ITEMS, PANELLISTS = 100, 400  # 40,000 rows
COMMENT_PROBLEM = text_problem("\x01", max_length=COMMENT_MAX_LENGTH, multiline=True)


def _open_study(slug: str, items: int, panellists: int) -> tuple[Study, Round, list[str]]:
    study = data.make_study(slug, items, sections=4)
    data.add_panel(study, panellists)
    round_ = data.open_round_one(study)
    codes = [ri.code for ri in sorted(round_.round_items, key=lambda ri: ri.position)]
    return study, round_, codes


def _plain_file(panellists: int, codes: list[str]) -> bytes:
    lines = ["email,item,rating"]
    for k in range(1, panellists + 1):
        for n, code in enumerate(codes):
            rating = "U" if (k + n) % 10 == 0 else str(1 + (k + 3 * n) % 9)
            lines.append(f"panellist{k}@example.org,{code},{rating}")
    return ("\n".join(lines) + "\n").encode()


@sqlite_only
def test_checking_a_large_file_holds_a_few_machine_numbers_per_answer(db):
    study, round_, codes = _open_study("memory", ITEMS, PANELLISTS)
    content = _plain_file(PANELLISTS, codes)
    rows = ITEMS * PANELLISTS
    check_responses_file(study, round_, _plain_file(2, codes), "warm.csv")  # loads the round
    tracemalloc.start()
    try:
        answers = check_responses_file(study, round_, content, "responses.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(answers) == rows
    # Reading the file costs about a byte a character (its text, decoded once to check it; a
    # StringIO over the text would add four bytes a character); the answers' columns take 25
    # bytes a row, a tuple of five per answer about 90, and a first line per answer in a dict
    # about 100 more.
    assert peak < 2 * len(content) + 60 * rows


@pytest.fixture
def varied(db, submit):
    """A study of 6 items and 5 panellists, panellist 5 having submitted online; a file with
    unable, comments alone, comments with ratings, unusual spellings and blank lines."""
    study, round_, codes = _open_study("varied", 6, 5)
    online = db.session.scalar(
        sa.select(Panellist).where(Panellist.email == "panellist5@example.org"))
    submit(round_, online, {codes[0]: 9})
    content = "\n".join([
        "email,item,rating,comment",
        "panellist1@example.org,S1.1,7,",
        "panellist1@example.org,S1.2,U,",
        "panellist1@example.org,S2.3,,Depends on the setting",
        "",
        "panellist2@example.org,S1.1,+3,",
        "PANELLIST2@example.org,S1.2,07,\"Clear, but long\"",
        "panellist2@example.org,S2.4,u,Cannot say",
        " panellist3@example.org , S3.5 , 9 , ",
        "panellist3@example.org,S1.1,1,",
        ",,,",
        'panellist4@example.org,S3.6,,"Line one\nline two"',
        "panellist1@example.org,S3.6,2,",
    ]) + "\n"
    return study, round_, content.encode()


def _read_independently(study: Study, round_: Round, content: bytes) -> list[tuple]:
    """The file's answers as (panellist id, round item id, value, unable, comment), by csv."""
    ids = {email.lower(): pid for pid, email in db.session.execute(
        sa.select(Panellist.id, Panellist.email).where(Panellist.study_id == study.id))}
    items = dict(db.session.execute(
        sa.select(RoundItem.code, RoundItem.id).where(RoundItem.round_id == round_.id)).all())
    answers = []
    for record in csv.DictReader(io.StringIO(content.decode(), newline="")):
        cells = {name: (value or "").strip() for name, value in record.items()}
        if not any(cells.values()):
            continue
        rating = cells["rating"]
        value, unable = (None, True) if rating in ("U", "u") else (
            (None, False) if rating == "" else (int(rating), False))
        answers.append((ids[cells["email"].lower()], items[cells["item"]], value, unable,
                        cells["comment"] or None))
    return answers


def test_the_checked_answers_are_the_files_answers(varied):
    study, round_, content = varied
    answers = check_responses_file(study, round_, content, "responses.csv")
    expected = _read_independently(study, round_, content)
    assert len(expected) == 10
    stored = list(zip(answers.panellist, answers.round_item, answers.value, answers.unable,
                      (answers.comments.get(row) for row in range(len(answers))), strict=True))
    assert [(p, i, u, c) for p, i, _, u, c in stored] == [
        (p, i, u, c) for p, i, _, u, c in expected]
    response_of = {pid: 1000 + pid for pid, *_ in expected}
    assert list(answers.rating_rows(response_of)) == [
        (1000 + pid, item, value, unable, comment)
        for pid, item, value, unable, comment in expected]
    assert answers.panellist_ids() == list(dict.fromkeys(pid for pid, *_ in expected))


def test_a_repeated_answer_names_the_line_of_the_first_row_for_it(db):
    study, round_, codes = _open_study("repeats", 4, 31)
    lines = ["email,item,rating,comment"]
    for k in range(1, 31):  # lines 2 to 121
        lines += [f"panellist{k}@example.org,{code},5," for code in codes]
    lines += [
        "panellist2@example.org,S2.2,4,",  # 122: line 2 + 4 + 1 = 7
        "panellist3@example.org,S1.1,10,",  # 123: line 2 + 2 * 4 = 10
        "panellist31@example.org,S1.1,10,",  # 124: refused rating
        "panellist31@example.org,S1.1,4,",  # 125: repeats line 124
        "nobody@example.org,S1.1,4,",  # 126: not on the panel
        "Nobody@example.org,S1.1,4,",  # 127: repeats line 126
        "Panellist30@example.org,S4.4,x,",  # 128: line 2 + 29 * 4 + 3 = 121
        "panellist31@example.org,S2.2,3,\x01",  # 129: refused comment
        "PANELLIST31@example.org,S2.2,3,",  # 130: repeats line 129
        "panellist31@example.org,S3.3,3,",  # 131: stored after the look-ups began
        "panellist31@example.org,S3.3,3,",  # 132: repeats line 131
    ]
    with pytest.raises(InvalidFile) as raised:
        check_responses_file(study, round_, ("\n".join(lines) + "\n").encode(), "r.csv")
    assert [problem.describe("r.csv") for problem in raised.value.problems] == [
        "r.csv, line 122, column item: a second row for panellist2@example.org and item S2.2 "
        "(the first is on line 7)",
        "r.csv, line 123, column item: a second row for panellist3@example.org and item S1.1 "
        "(the first is on line 10)",
        "r.csv, line 124, column rating: found '10', expected a whole number from 1 to 9 "
        "or U (unable to rate)",
        "r.csv, line 125, column item: a second row for panellist31@example.org and item S1.1 "
        "(the first is on line 124)",
        "r.csv, line 126, column email: nobody@example.org is not on the panel of repeats",
        "r.csv, line 127, column email: Nobody@example.org is not on the panel of repeats",
        "r.csv, line 127, column item: a second row for Nobody@example.org and item S1.1 "
        "(the first is on line 126)",
        "r.csv, line 128, column item: a second row for Panellist30@example.org and item S4.4 "
        "(the first is on line 121)",
        f"r.csv, line 129, column comment: the comment {COMMENT_PROBLEM}",
        "r.csv, line 130, column item: a second row for PANELLIST31@example.org and item S2.2 "
        "(the first is on line 129)",
        "r.csv, line 132, column item: a second row for panellist31@example.org and item S3.3 "
        "(the first is on line 131)",
    ]
