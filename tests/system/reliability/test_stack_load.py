"""A whole panel at once against gunicorn (two workers) on SQLite in WAL mode and PostgreSQL,
while staff load the dashboard and export a report: no 5xx, every acknowledged rating stored
exactly once, nothing unacknowledged half-written, the dashboard's rating tally equal to a count
made afresh, no personal-link token in the access log.

``make verify`` runs 200 panellists rating 60 items each; ``make test`` 100 rating 30."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.system.reliability.stack import (HEAVY, Server, build, check_every_rating, record_figures,
                                     run_panellists, stack_database, stored_round_two)

pytestmark = pytest.mark.slow  # starts gunicorn and sends a whole panel at it

# ``make verify`` (DELPHI_HEAVY=1) holds the full load; ``make test`` and CI a bounded one.
PANELLISTS = 200 if HEAVY else 100
ITEMS = 60 if HEAVY else 30


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_panel_answering_at_once_loses_nothing(backend, tmp_path):
    with stack_database(backend, tmp_path) as url:
        built = build(url, tmp_path, panellists=PANELLISTS, items=ITEMS)
        with Server(built.url, tmp_path) as server:
            report = run_panellists(server, built, tmp_path, count=PANELLISTS, timeout=900)
        stored = stored_round_two(built.url)
        tallied, counted = _tallied(built.url), _counted_afresh(built.url)
    log = server.log_text()

    server_errors = {s: n for s, n in report["statuses"].items() if s == "None" or int(s) >= 500}
    assert not server_errors, (server_errors, report["server_errors"][:3])
    assert report["acknowledged"] == PANELLISTS
    outcome = check_every_rating(report, stored, built.panellist_ids)
    assert outcome == {"lost": 0, "half_written": 0}
    assert sum(len(e["ratings"]) for e in stored.values()) == PANELLISTS * ITEMS
    assert counted and tallied == counted  # the dashboard's counts lost none under the load
    assert report["latency_by_kind"]["report export"]["count"] >= 1
    assert report["latency_by_kind"]["dashboard"]["count"] >= 1
    assert "/p/[redacted]" in log
    assert not any(token in log for token in built.tokens)

    latency = report["latency"]
    print(f"\n{backend}: {PANELLISTS} panellists x {ITEMS} ratings, {report['requests']} requests "
          f"in {report['seconds']} s = {report['requests_per_second']} requests/s; latency "
          f"p50 {latency['p50_ms']} ms, p90 {latency['p90_ms']} ms, p99 {latency['p99_ms']} ms")
    record_figures(f"load-{backend}", {
        "backend": backend, "panellists": PANELLISTS, "items": ITEMS,
        "requests": report["requests"], "seconds": report["seconds"],
        "requests_per_second": report["requests_per_second"], "latency": latency,
        "latency_by_kind": report["latency_by_kind"], "statuses": report["statuses"],
        "acknowledged": report["acknowledged"], "ratings_stored": PANELLISTS * ITEMS, **outcome,
    })


def _tallied(url: str) -> dict:
    """The rating tally the dashboard reads: (round item, kind, point) -> responses."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT round_item_id, kind, point, n FROM rating_tally WHERE n != 0")).all()
    engine.dispose()
    return {(item, kind, point): n for item, kind, point, n in rows}


def _counted_afresh(url: str) -> dict:
    """The same, counted here: every item of every submitted response's round, with the answer
    its rating gives (a point, "unable" or none)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT ri.id, r.value, r.unable FROM response s "
            "JOIN round_item ri ON ri.round_id = s.round_id "
            "LEFT JOIN rating r ON r.response_id = s.id AND r.round_item_id = ri.id "
            "WHERE s.status = 'submitted'")).all()
    engine.dispose()
    counted: dict = {}
    for item, value, unable in rows:
        key = ((item, "unable", 0) if unable else (item, "missing", 0) if value is None
               else (item, "point", value))
        counted[key] = counted.get(key, 0) + 1
    return counted
