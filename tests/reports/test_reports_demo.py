"""Golden test of the demo study's report: its rows against numbers computed from its ratings."""
from __future__ import annotations

import csv
import io
import statistics

import numpy as np
import pytest

from delphi.demo.loader import load_demo
from delphi.models import Panellist, Rating, Response, ResponseStatus, Round
from delphi.reports import export


def _ratings_of(db, round_item_id: int) -> tuple[list[int], int]:
    """Ratings on the scale and the "unable to rate" count of one round item, from the DB."""
    rows = db.session.execute(
        db.select(Rating.value, Rating.unable)
        .join(Response, Rating.response_id == Response.id)
        .where(Rating.round_item_id == round_item_id,
               Response.status == ResponseStatus.SUBMITTED)
    ).all()
    return [v for v, unable in rows if v is not None and not unable], sum(1 for _, u in rows if u)


def test_demo_round_one_rows_match_its_ratings(db):
    demo = load_demo()
    db.session.commit()
    study = demo.study
    round1 = db.session.scalar(db.select(Round).filter_by(study_id=study.id, number=1))
    rows = list(csv.DictReader(io.StringIO(export(study, "csv", round_number=1).decode())))
    assert len(rows) == len(round1.round_items) >= 40
    by_code = {ri.code: ri for ri in round1.round_items}
    width = round((study.scale_max - study.scale_min + 1) / 3)
    low_to = study.low_to or study.scale_min + width - 1
    high_from = study.high_from or study.scale_max - width + 1
    method = study.quantile_method.value  # numpy names the two methods as the study does
    checked = 0
    for row in rows[::7]:  # every seventh item, across sections
        rated, unable = _ratings_of(db, by_code[row["item"]].id)
        n = len(rated)
        assert int(row["n"]) == n and int(row["n_unable"]) == unable
        assert float(row["median"]) == pytest.approx(statistics.median(rated))
        assert float(row["q1"]) == pytest.approx(np.percentile(rated, 25, method=method))
        assert float(row["q3"]) == pytest.approx(np.percentile(rated, 75, method=method))
        assert float(row["pct_low"]) == pytest.approx(
            100 * sum(1 for v in rated if v <= low_to) / n)
        assert float(row["pct_high"]) == pytest.approx(
            100 * sum(1 for v in rated if v >= high_from) / n)
        for point in study.scale_points:
            assert int(row[f"count_{point}"]) == rated.count(point)
        checked += 1
    assert checked >= 6

    page = export(study, "html").decode()
    assert "Round 1: items" in page and "Round 2: items" not in page  # round 2 is still open
    invited = db.session.scalar(db.select(db.func.count(Response.id)).where(
        Response.round_id == round1.id))
    assert invited == db.session.scalar(db.select(db.func.count(Panellist.id)).where(
        Panellist.study_id == study.id))
