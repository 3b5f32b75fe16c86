"""``delphi backup`` while panellists keep submitting: the restored copy holds every rating."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from delphi.extensions import db as _db
from delphi.models import Panellist, Round
from delphi.rounds.answers import Answer, response_for, save_answers
from tests.system.reliability.conftest import expected_value, restored

RATINGS_IN_COPY = sa.text("""
    SELECT p.pseudonym, ri.position, r.value, r.comment, resp.status
    FROM rating r
    JOIN response resp ON resp.id = r.response_id
    JOIN panellist p ON p.id = resp.panellist_id
    JOIN round_item ri ON ri.id = r.round_item_id
""")


def _submit_pattern(round_: Round, panellist: Panellist) -> None:
    number = int(panellist.pseudonym[1:])
    answers = [Answer(ri.id, value=expected_value(number, ri.position),
                      comment=f"{panellist.pseudonym} on {ri.code}")
               for ri in round_.round_items]
    save_answers(response_for(round_, panellist), answers, submit=True)


def _keep_submitting(app, round_id: int, panellist_ids: list[int], committed: list[str],
                     started: threading.Event, errors: list[BaseException]) -> None:
    """Submit one panellist after another, each in its own transaction, as the app would."""
    try:
        with app.app_context():
            round_ = _db.session.get(Round, round_id)
            for done, panellist_id in enumerate(panellist_ids, start=1):
                panellist = _db.session.get(Panellist, panellist_id)
                _submit_pattern(round_, panellist)
                _db.session.commit()
                committed.append(panellist.pseudonym)
                if done == 3:
                    started.set()
            _db.session.remove()
    except BaseException as error:  # reported by the test, not lost in the thread
        errors.append(error)
        started.set()


def test_a_backup_taken_during_submissions_restores_every_committed_rating(
        app, db, open_study, runner, tmp_path):
    study, panel, round_ = open_study(n=40)
    for panellist in panel[:20]:
        _submit_pattern(round_, panellist)
    db.session.commit()
    before = {p.pseudonym for p in panel[:20]}

    committed: list[str] = []
    errors: list[BaseException] = []
    started = threading.Event()
    writer = threading.Thread(target=_keep_submitting, args=(
        app, round_.id, [p.id for p in panel[20:]], committed, started, errors))
    writer.start()
    started.wait(timeout=60)
    copy = tmp_path / "copy.backup"
    committed_at_backup = list(committed)
    result = runner.invoke(args=["delphi", "backup", "--output", str(copy)])
    writer.join(timeout=120)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert f"Backed up the database to {copy}" in result.output
    assert len(committed) == 20 and len(committed_at_backup) >= 3

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with restored(copy, url) as engine, engine.connect() as conn:
        rows = conn.execute(RATINGS_IN_COPY).all()
    by_panellist: dict[str, dict[int, tuple]] = {}
    for pseudonym, position, value, comment, status in rows:
        by_panellist.setdefault(pseudonym, {})[position] = (value, comment, status)

    # Every rating committed before the backup began is in the copy with its value and comment.
    assert before | set(committed_at_backup) <= set(by_panellist)
    # Nothing half-written: each panellist in the copy has all six ratings, as submitted.
    positions = sorted(ri.position for ri in round_.round_items)
    codes = {ri.position: ri.code for ri in round_.round_items}
    for pseudonym, ratings in by_panellist.items():
        number = int(pseudonym[1:])
        assert sorted(ratings) == positions, pseudonym
        for position, (value, comment, status) in ratings.items():
            assert value == expected_value(number, position)
            assert comment == f"{pseudonym} on {codes[position]}"
            assert status == "submitted"
    # The copy is a snapshot: only panellists who had been committed at some point appear.
    assert set(by_panellist) <= before | set(committed)


def test_backup_refuses_to_overwrite_a_file_and_says_so(runner, tmp_path, app):
    existing = tmp_path / "already-here.backup"
    existing.write_text("an older backup")

    result = runner.invoke(args=["delphi", "backup", "--output", str(existing)])

    assert result.exit_code == 1
    assert f"{existing} already exists; choose another file" in result.output
    assert existing.read_text() == "an older backup"
    assert "Traceback" not in result.output


def test_backup_without_pg_dump_names_the_missing_tool(runner, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI",
                        "postgresql+psycopg://someone:secret@127.0.0.1/nowhere")
    monkeypatch.setenv("PATH", str(tmp_path))

    result = runner.invoke(args=["delphi", "backup", "--output", str(tmp_path / "x.dump")])

    assert result.exit_code == 1
    assert "pg_dump was not found; install the PostgreSQL client tools" in result.output
    assert not (tmp_path / "x.dump").exists()
