"""The bundle writes its raw ratings a chunk at a time: its memory stays flat as the ratings
grow, and a group too small to be shown still reads "another group" in raw/ratings.csv.

The PDF is left out of the measure: WeasyPrint lays it out from the report's HTML, whose size
follows the items and the comments, not the ratings, and it takes seconds and loads its fonts on
first use, which would swamp the megabytes measured here."""
from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile

import numpy as np
import sqlalchemy as sa

from delphi.consensus import UNABLE
from delphi.extensions import db
from delphi.models import Panellist, Study
from delphi.reports import bundle
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round
from tests.support import data

HEADER = "panellist,group,round,section,item,value,unable,missing,comment,reason"
ITEMS, SECTIONS = 20, 2  # S1.1 to S1.10, S2.11 to S2.20
MIN_GROUP_SIZE = 5
SMALL_GROUP = "Commissioners"  # P00001 and P00002 only: fewer than MIN_GROUP_SIZE
SMALL_PANELLISTS = ("P00001", "P00002")
SMALL, LARGE = 500, 2_000  # panellists of the two studies


def _closed_round_study(slug: str, panellists: int) -> tuple[Study, np.ndarray]:
    """A study whose one closed round every panellist rated, two of them in a group of their
    own, without comments (the report lists each, so its pages would grow with them); the
    ratings, a row a panellist."""
    study = data.make_study(slug, ITEMS, sections=SECTIONS, min_group_size=MIN_GROUP_SIZE)
    panel = data.add_panel(study, panellists)
    db.session.execute(
        sa.update(Panellist)
        .where(Panellist.study_id == study.id, Panellist.pseudonym.in_(SMALL_PANELLISTS))
        .values(group=SMALL_GROUP))
    round_ = data.open_round_one(study)
    ratings = data.random_ratings(panellists, ITEMS, (1, 9), 0.1)
    data.submit_all(round_, panel, ratings)
    close_round(round_)
    db.session.commit()
    return study, ratings


def _traced_bundle(study: Study) -> tuple[int, bytes]:
    """The bundle and the peak memory (bytes, tracemalloc) of building it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        content = bundle.build_bundle(study)
        return tracemalloc.get_traced_memory()[1], content
    finally:
        tracemalloc.stop()
        db.session.rollback()  # the bundle's audit event


def _expected_lines(ratings: np.ndarray) -> list[str]:
    """raw/ratings.csv worked out from the ratings as data.add_panel, make_study and submit_all
    lay them out (P00001 onwards, groups in turn), the two panellists of the small group
    reading "another group"."""
    lines = [HEADER]
    for k, values in enumerate(ratings.tolist(), start=1):
        pseudonym = f"P{k:05d}"
        group = ("another group" if pseudonym in SMALL_PANELLISTS
                 else data.GROUPS[k % len(data.GROUPS)])
        for i, value in enumerate(values):
            section = i // (ITEMS // SECTIONS) + 1
            rated, unable = ("", 1) if value == UNABLE else (value, 0)
            lines.append(f"{pseudonym},{group},1,S{section},S{section}.{i + 1},{rated},{unable},"
                         "0,,")
    return lines


def test_the_bundle_memory_does_not_grow_with_four_times_the_ratings(db, monkeypatch):
    monkeypatch.setattr(bundle, "export_pdf", lambda report, page: b"%PDF-1.7 left out")
    small, _ = _closed_round_study("small", SMALL)
    large, ratings = _closed_round_study("large", LARGE)
    bundle.build_bundle(small)  # templates compiled and cached before the measure
    db.session.rollback()
    small_peak, small_zip = _traced_bundle(small)
    large_peak, large_zip = _traced_bundle(large)

    small_lines = zipfile.ZipFile(io.BytesIO(small_zip)).read("raw/ratings.csv").split(b"\r\n")
    content = zipfile.ZipFile(io.BytesIO(large_zip)).read("raw/ratings.csv").decode()
    assert len(small_lines) == 1 + SMALL * ITEMS + 1  # the header, the rows, after the last CRLF
    assert content.split("\r\n") == [*_expected_lines(ratings), ""]
    assert SMALL_GROUP not in content
    # Holding the rows would add some 400 bytes a row, 8,000 a panellist: 12 MB for the 30,000
    # more. Written a chunk at a time, what grows is the finished ZIP (held twice as it is
    # returned), a chunk of text (held while the next one is made) and what is kept of each
    # panellist: pseudonym and group, in the round's list and in the report, some hundreds of
    # bytes.
    zip_growth = len(large_zip) - len(small_zip)
    allowance = 2 * zip_growth + 500_000 + 1_000 * (LARGE - SMALL)
    assert large_peak - small_peak < allowance, (small_peak, large_peak, allowance)


def test_a_group_reads_another_group_only_in_the_rounds_it_was_too_small(db):
    # Fourteen panellists at a minimum group size of 3: five commissioners (P00001 to P00005),
    # then three in each of the three groups in turn (P00006 to P00014). Round 1: two of the
    # commissioners submit, too few to be shown; round 2: all five do.
    study = data.make_study("per-round", 4, sections=2, min_group_size=3)
    panel = data.add_panel(study, 14)
    commissioners = [f"P{k:05d}" for k in range(1, 6)]
    db.session.execute(
        sa.update(Panellist)
        .where(Panellist.study_id == study.id, Panellist.pseudonym.in_(commissioners))
        .values(group=SMALL_GROUP))
    round_one = data.open_round_one(study)
    submitters = panel[:2] + panel[5:]  # P00001, P00002 and P00006 to P00014
    data.submit_all(round_one, submitters, data.random_ratings(11, 4, (1, 9), 0.0))
    close_round(round_one)
    round_two = launch_next_round(study)
    items = len(round_two.round_items)
    data.submit_all(round_two, panel, data.random_ratings(14, items, (1, 9), 0.0, seed=7))
    close_round(round_two)
    db.session.commit()

    archive = zipfile.ZipFile(io.BytesIO(bundle.build_bundle(study)))
    rows = list(csv.DictReader(io.StringIO(archive.read("raw/ratings.csv").decode())))
    groups = {(r["round"], r["panellist"]): r["group"] for r in rows}
    others = {f"P{k:05d}": data.GROUPS[k % len(data.GROUPS)] for k in range(6, 15)}
    assert groups == {
        **{("1", p): "another group" for p in ("P00001", "P00002")},
        **{("1", p): group for p, group in others.items()},
        **{("2", p): SMALL_GROUP for p in commissioners},
        **{("2", p): group for p, group in others.items()},
    }
    assert len(rows) == 11 * 4 + 14 * items
