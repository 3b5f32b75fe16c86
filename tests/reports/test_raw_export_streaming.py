"""The raw ratings file is written a chunk at a time: its memory stays flat as the ratings grow,
and its rows are what the ratings say, with formula text quoted and CSV quoting where needed,
read back with the csv module."""
from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile

import numpy as np

from delphi.consensus import UNABLE
from delphi.extensions import db
from delphi.models import Rating, Response, RoundItem, Study
from delphi.reports import export
from delphi.reports.data import build_report
from delphi.reports.raw_export import export_raw
from delphi.rounds.lifecycle import close_round, open_round
from tests.support import data

HEADER = "panellist,group,round,section,item,value,unable,missing,comment,reason"
ITEMS, SECTIONS = 100, 4  # S1.1 to S1.25, S2.26 to S2.50, ...
COMMENT_EVERY = 7


def _closed_round_study(slug: str, panellists: int) -> tuple[Study, np.ndarray]:
    """A study whose one closed round every panellist rated; the ratings, a row a panellist."""
    study = data.make_study(slug, ITEMS, sections=SECTIONS)
    panel = data.add_panel(study, panellists)
    round_ = data.open_round_one(study)
    ratings = data.random_ratings(panellists, ITEMS, (1, 9), 0.1)
    data.submit_all(round_, panel, ratings, comment_every=COMMENT_EVERY)
    close_round(round_)
    db.session.commit()
    return study, ratings


def _traced_export(study: Study) -> tuple[int, bytes]:
    """The raw ZIP and the peak memory (bytes, tracemalloc) of writing it."""
    report = build_report(study)
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        content = export_raw(report)
        return tracemalloc.get_traced_memory()[1], content
    finally:
        tracemalloc.stop()


def _expected_lines(ratings: np.ndarray) -> list[str]:
    """The file's lines worked out from the ratings as data.add_panel, make_study and
    submit_all lay them out: P00001 onwards, groups in turn, every n-th rating commented."""
    lines, counter = [HEADER], 0
    for k, values in enumerate(ratings.tolist(), start=1):
        for i, value in enumerate(values):
            counter += 1
            section = i // (ITEMS // SECTIONS) + 1
            commented = counter % COMMENT_EVERY == 0
            comment = f"Comment {counter} on this statement." if commented else ""
            rated, unable = ("", 1) if value == UNABLE else (value, 0)
            lines.append(f"P{k:05d},{data.GROUPS[k % len(data.GROUPS)]},1,S{section},"
                         f"S{section}.{i + 1},{rated},{unable},0,{comment},")
    return lines


def test_only_the_zip_adds_to_the_raw_export_memory_for_four_times_the_ratings(db):
    small, _ = _closed_round_study("small", 200)
    large, ratings = _closed_round_study("large", 800)
    small_peak, small_zip = _traced_export(small)
    large_peak, large_zip = _traced_export(large)

    small_lines = zipfile.ZipFile(io.BytesIO(small_zip)).read("ratings.csv").decode().split("\r\n")
    content = zipfile.ZipFile(io.BytesIO(large_zip)).read("ratings.csv").decode()
    assert len(small_lines) == 1 + 200 * ITEMS + 1  # the header, the rows, after the last CRLF
    assert content.split("\r\n") == [*_expected_lines(ratings), ""]
    # Holding the rows would add some 400 bytes a row: 24 MB for the 60,000 more. Written a
    # chunk at a time, what grows is the finished ZIP (held twice as it is returned) and the
    # round's list of panellists.
    zip_growth = len(large_zip) - len(small_zip)
    assert large_peak - small_peak < 2 * zip_growth + 500_000, (small_peak, large_peak, zip_growth)


FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_awkward_text_reads_back_as_written_with_formulas_quoted(db, make_study, make_panel,
                                                                 submit):
    study = make_study(slug="awkward", sections=2, items_per_section=2)
    p1, p2, p3 = make_panel(study, n=3, groups=("=Clinicians", "Researchers, senior"))
    round_ = open_round(study)
    submit(round_, p1, {"S1.1": 9, "S1.2": 8, "S2.1": 7, "S2.2": 6})
    submit(round_, p2, {"S1.1": 1, "S1.2": 2, "S2.1": "U", "S2.2": 3})
    submit(round_, p3, {"S1.1": 5, "S1.2": "U", "S2.1": 4})  # leaves S2.2 out
    texts = {  # (panellist, item): (comment, reason), stored as given (leading tab and all)
        (p1.id, "S1.1"): (FORMULA, "@SUM(A1:A9) is my reason"),
        (p1.id, "S1.2"): ('Two lines,\nwith "quotes"', None),
        (p2.id, "S1.1"): ("-3 would be lower", "+1, surely"),
        (p2.id, "S2.1"): ("\tTabbed in", 'a "quoted" word'),
        (p3.id, "S1.1"): ("Fine = good", "\r\nStarts on a new line"),
    }
    for rating, panellist_id, code in db.session.execute(
        db.select(Rating, Response.panellist_id, RoundItem.code)
        .join(Response, Rating.response_id == Response.id)
        .join(RoundItem, Rating.round_item_id == RoundItem.id)
    ):
        rating.comment, rating.reason = texts.get((panellist_id, code), (None, None))
    close_round(round_)
    db.session.commit()

    content = zipfile.ZipFile(io.BytesIO(export(study, "raw"))).read("ratings.csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    clinicians, researchers = "'=Clinicians", "Researchers, senior"
    assert rows == [
        HEADER.split(","),
        ["P001", clinicians, "1", "S1", "S1.1", "9", "0", "0", "'" + FORMULA,
         "'@SUM(A1:A9) is my reason"],
        ["P001", clinicians, "1", "S1", "S1.2", "8", "0", "0", 'Two lines,\nwith "quotes"', ""],
        ["P001", clinicians, "1", "S2", "S2.1", "7", "0", "0", "", ""],
        ["P001", clinicians, "1", "S2", "S2.2", "6", "0", "0", "", ""],
        ["P002", researchers, "1", "S1", "S1.1", "1", "0", "0", "'-3 would be lower",
         "'+1, surely"],
        ["P002", researchers, "1", "S1", "S1.2", "2", "0", "0", "", ""],
        ["P002", researchers, "1", "S2", "S2.1", "", "1", "0", "'\tTabbed in", 'a "quoted" word'],
        ["P002", researchers, "1", "S2", "S2.2", "3", "0", "0", "", ""],
        ["P003", clinicians, "1", "S1", "S1.1", "5", "0", "0", "Fine = good",
         "'\r\nStarts on a new line"],
        ["P003", clinicians, "1", "S1", "S1.2", "", "1", "0", "", ""],
        ["P003", clinicians, "1", "S2", "S2.1", "4", "0", "0", "", ""],
        ["P003", clinicians, "1", "S2", "S2.2", "", "0", "1", "", ""],
    ]
    # Each row ends in CRLF; a newline inside a quoted cell is kept as it was.
    assert content.count(b"\r\n") == len(rows) + 1  # the reason that starts with one
    assert b'"Two lines,\nwith ""quotes"""' in content
