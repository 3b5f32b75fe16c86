"""``delphi demo``: the demo study loads whole, looks like a real Delphi, and never loads twice."""
from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import timedelta

import numpy as np
import pytest

from delphi.models import (Decision, Item, ItemOrigin, Panellist, Rating, Response,
                           ResponseStatus, Round, RoundItem, RoundState, StaffUser, Study,
                           Suggestion, SuggestionStatus, utcnow)
from delphi.panel.tokens import find_panellist
from delphi.rounds.errors import RoundError

GROUPS = {
    "Social workers", "Community psychiatric nurses", "Occupational therapists",
    "Community development workers", "Support time and recovery workers",
    "People who use services", "Researchers", "Third-sector managers",
}
LINK = re.compile(r"(http://delphi\.test/p/(\S+))$")


@pytest.fixture
def demo(demo_loaded):
    """The database as ``delphi demo`` leaves it; the command's result."""
    return demo_loaded


def rounds(db) -> tuple[Round, Round]:
    study = db.session.scalar(db.select(Study).filter_by(slug="cpi-guidance"))
    one, two = study.rounds
    return one, two


def count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_demo_builds_a_study_with_sections_items_and_panel(demo, db):
    study = db.session.scalar(db.select(Study))
    assert study.slug == "cpi-guidance"
    assert "Loaded the demo study 'cpi-guidance'" in demo.output
    assert 8 <= len(study.sections) <= 10
    guidance = [i for i in study.items if i.origin is ItemOrigin.GUIDANCE]
    assert 40 <= len(guidance) <= 60
    assert 40 <= len(study.items) <= 60
    assert study.scale_min == 1 and study.scale_max == 9 and study.unable_to_rate
    assert study.scale_labels == {"1": "Not important", "5": "Important but not critical",
                                  "9": "Critical"}
    panellists = db.session.scalars(db.select(Panellist)).all()
    assert 28 <= len(panellists) <= 32
    assert {p.group for p in panellists} == GROUPS
    assert all(p.email.endswith("@example.org") for p in panellists)


def test_round_one_is_closed_with_a_frozen_summary_of_every_item(demo, db):
    one, _ = rounds(db)
    assert one.state is RoundState.CLOSED
    assert one.closed_at < utcnow() - timedelta(days=7)
    submitted = [r for r in one.responses if r.status is ResponseStatus.SUBMITTED]
    assert 25 <= len(submitted) <= 28
    assert all(ri.summary is not None and ri.status in {"in", "out", "none"}
               for ri in one.round_items)
    statuses = Counter(ri.status for ri in one.round_items)
    assert statuses["in"] > len(one.round_items) / 2  # most of the guidance is kept
    assert statuses["none"] >= 3 and statuses["out"] >= 1
    ratings = db.session.scalars(
        db.select(Rating).join(Response).where(Response.round_id == one.id)).all()
    unable = sum(r.unable for r in ratings) / len(ratings)
    assert 0.02 <= unable <= 0.10
    assert sum(r.comment is not None for r in ratings) >= 20


def test_round_two_is_open_with_carried_forward_reworded_and_new_items(demo, db):
    one, two = rounds(db)
    assert two.state is RoundState.OPEN
    assert two.closes_at - utcnow() > timedelta(days=13)
    assert two.closes_at - utcnow() <= timedelta(days=14)

    reworded = db.session.scalar(db.select(Item).filter_by(origin=ItemOrigin.REWORDING))
    new = db.session.scalar(db.select(Item).filter_by(origin=ItemOrigin.SUGGESTION))
    old = next(ri for ri in one.round_items if ri.item_id == reworded.reworded_from_id)
    assert old.decision is Decision.REWORDED
    carried = {ri.item_id for ri in one.round_items if ri.decision is Decision.CARRY_FORWARD}
    assert carried == {ri.item_id for ri in one.round_items if ri.status == "none"} - {old.item_id}
    assert {ri.item_id for ri in two.round_items} == carried | {reworded.id, new.id}

    suggestions = db.session.scalars(db.select(Suggestion)).all()
    assert {s.status for s in suggestions} == {SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED}
    assert {s.resulting_item_id for s in suggestions} >= {reworded.id, new.id}

    states = Counter(r.status for r in two.responses)
    assert states[ResponseStatus.SUBMITTED] >= 3
    assert states[ResponseStatus.DRAFT] >= 2
    assert states[ResponseStatus.INVITED] >= 15


def test_printed_staff_login_and_panellist_links_work(demo, db):
    password = re.search(r"as admin@example\.org with password (\S+)", demo.output).group(1)
    admin = db.session.scalar(db.select(StaffUser).filter_by(email="admin@example.org"))
    assert admin.is_admin and admin.check_password(password)

    links = [LINK.search(line) for line in demo.output.splitlines()]
    links = [m for m in links if m]
    assert len(links) == 3
    _, two = rounds(db)
    states = []
    for match in links:
        panellist = find_panellist(match.group(2))
        assert panellist is not None, match.group(1)
        states.append(next(r.status for r in two.responses if r.panellist_id == panellist.id))
    assert states == [ResponseStatus.INVITED, ResponseStatus.DRAFT, ResponseStatus.SUBMITTED]
    assert "has not started round 2" in demo.output
    assert "has saved a round 2 draft" in demo.output
    assert "has submitted round 2" in demo.output


def test_an_existing_admin_account_is_kept(runner, db, make_staff):
    make_staff(email="admin@example.org", password="an existing password")
    db.session.commit()
    result = runner.invoke(args=["delphi", "demo"])
    assert result.exit_code == 0, result.output
    assert "existing account, password unchanged" in result.output
    assert count(db, StaffUser) == 1
    admin = db.session.scalar(db.select(StaffUser))
    assert admin.check_password("an existing password")


def test_refuses_a_database_that_holds_a_study(runner, db, make_study):
    make_study(slug="someone-elses-study")
    db.session.commit()
    result = runner.invoke(args=["delphi", "demo"])
    assert result.exit_code == 1
    assert "already holds a study" in result.output
    assert "Traceback" not in result.output
    assert [s.slug for s in db.session.scalars(db.select(Study))] == ["someone-elses-study"]
    assert count(db, Panellist) == 0 and count(db, StaffUser) == 0


def test_if_empty_loads_once_and_then_leaves_the_database_alone(runner, db):
    first = runner.invoke(args=["delphi", "demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo study" in first.output
    second = runner.invoke(args=["delphi", "demo", "--if-empty"])
    assert second.exit_code == 0
    assert second.output.strip() == "The database already holds data; the demo was not loaded."
    assert count(db, Study) == 1
    assert count(db, Panellist) == 30
    assert count(db, Round) == 2


def test_a_failure_part_way_leaves_the_database_empty(runner, db, monkeypatch):
    def fail(*args, **kwargs):
        raise RoundError("Round 1 is open; close it before opening another round.")

    monkeypatch.setattr("delphi.demo.loader.launch_next_round", fail)
    result = runner.invoke(args=["delphi", "demo"])
    assert result.exit_code == 1
    assert "The demo could not be loaded; the database is unchanged." in result.output
    assert "Round 1 is open" in result.output
    for model in (Study, Panellist, StaffUser, Round, Rating):
        assert count(db, model) == 0, model.__name__


def comet_status(values: list[int]) -> str:
    """COMET on a 1-9 scale: 70% in a region (1-3 or 7-9) and under 15% in the opposite one."""
    n = len(values)
    low = sum(v <= 3 for v in values)
    high = sum(v >= 7 for v in values)
    if 100 * high >= 70 * n and 100 * low < 15 * n:
        return "in"
    if 100 * low >= 70 * n and 100 * high < 15 * n:
        return "out"
    return "none"


@pytest.mark.parametrize("code", ["S3.1", "S9.6", "S2.5"])
def test_frozen_summary_matches_an_independent_computation(demo, db, code):
    one, _ = rounds(db)
    round_item = db.session.scalar(db.select(RoundItem).filter_by(round_id=one.id, code=code))
    rows = db.session.execute(
        db.select(Rating.value, Rating.unable).join(Response)
        .where(Rating.round_item_id == round_item.id,
               Response.status == ResponseStatus.SUBMITTED)).all()
    submitted = db.session.scalar(
        db.select(db.func.count()).select_from(Response)
        .where(Response.round_id == one.id, Response.status == ResponseStatus.SUBMITTED))
    values = [value for value, unable in rows if value is not None]
    summary = round_item.summary

    assert summary["n"] == len(values)
    assert summary["n_unable"] == sum(unable for _, unable in rows)
    assert summary["n_missing"] == submitted - len(rows) + sum(
        value is None and not unable for value, unable in rows)
    assert summary["median"] == pytest.approx(statistics.median(values))
    q1, q3 = np.percentile(values, [25, 75])  # linear: Hyndman & Fan type 7
    assert summary["q1"] == pytest.approx(q1)
    assert summary["q3"] == pytest.approx(q3)
    assert {int(k): v for k, v in summary["counts"].items() if v} == dict(Counter(values))
    assert round_item.status == comet_status(values)
