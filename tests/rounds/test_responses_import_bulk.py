"""Large responses files: written in bulk, a draft's other answers kept, big files from disk.

A national consultation imports hundreds of thousands of paper answers, so the import writes
rows in bulk: the number of SQL statements does not grow with the panel (the figure in
``make bench`` is the time against a bare insert).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from delphi.extensions import db
from delphi.importing import COMMAND_LINE_MAX_FILE_BYTES, MAX_FILE_BYTES, InvalidFile
from delphi.models import Panellist, Rating, Response, ResponseStatus, Study
from delphi.rounds.errors import RoundError
from delphi.rounds.responses_import import import_responses
from tests.support import data
from tests.support.backends import postgresql_only


def _open_study(slug: str, items: int, panellists: int) -> tuple[Study, list[str]]:
    study = data.make_study(slug, items, sections=2)
    data.add_panel(study, panellists)
    data.open_round_one(study)
    codes = [item.code for item in sorted(study.items, key=lambda i: (i.section.position,
                                                                       i.position))]
    return study, codes


def _file(panellists: int, codes: list[str], comment: str = "") -> bytes:
    lines = ["email,item,rating,comment"]
    for k in range(1, panellists + 1):
        for n, code in enumerate(codes):
            rating = "U" if (k + n) % 10 == 0 else str(1 + (k * 7 + n) % 9)
            lines.append(f"panellist{k}@example.org,{code},{rating},{comment}")
    return ("\n".join(lines) + "\n").encode()


def _statements(count_queries, study: Study, content: bytes) -> int:
    with count_queries() as statements:
        result = import_responses(study, content, "responses.csv")
    db.session.rollback()
    assert result.answers == content.count(b"\n") - 1
    return len(statements)


def test_the_statements_an_import_runs_do_not_grow_with_the_panel(db, count_queries):
    small_study, small_codes = _open_study("small", 10, 20)
    large_study, large_codes = _open_study("large", 10, 200)
    db.session.commit()
    small = _statements(count_queries, small_study, _file(20, small_codes))
    large = _statements(count_queries, large_study, _file(200, large_codes))
    assert small == large


def test_every_answer_lands_with_its_value_unable_and_comment(db):
    study, codes = _open_study("values", 6, 12)
    content = _file(12, codes, comment="Seen on paper")
    result = import_responses(study, content, "responses.csv")
    db.session.commit()
    assert (result.panellists, result.answers) == (12, 72)
    stored = db.session.execute(
        db.select(Response.panellist_id, Rating.round_item_id, Rating.value, Rating.unable,
                  Rating.comment, Response.status, Response.imported)
        .join(Rating, Rating.response_id == Response.id)).all()
    assert len(stored) == 72
    assert {row.status for row in stored} == {ResponseStatus.SUBMITTED}
    assert all(row.imported and row.comment == "Seen on paper" for row in stored)
    unable = [row for row in stored if row.unable]
    # (k + n) % 10 == 0 for k in 1..12, n in 0..5: k=4..10 with n=10-k (n<=5 -> k>=5), and k=10
    # with n=0: k = 5..10 -> six answers, each without a value.
    assert len(unable) == 6 and all(row.value is None for row in unable)
    assert {row.value for row in stored if not row.unable} <= set(range(1, 10))


def test_a_draft_started_online_keeps_its_other_answers_and_is_submitted(db):
    study, codes = _open_study("draft", 4, 2)
    round_ = study.rounds[0]
    panellist = db.session.scalar(db.select(Panellist.id).filter_by(
        study_id=study.id, email="panellist1@example.org"))
    draft = Response(round=round_, panellist_id=panellist, status=ResponseStatus.DRAFT)
    items = {ri.code: ri for ri in round_.round_items}
    draft.ratings = [Rating(round_item_id=items[codes[0]].id, value=2, comment="online"),
                     Rating(round_item_id=items[codes[3]].id, value=6)]
    db.session.add(draft)
    db.session.commit()
    content = (f"email,item,rating\npanellist1@example.org,{codes[0]},9\n"
               f"panellist1@example.org,{codes[1]},U\n").encode()
    import_responses(study, content, "responses.csv")
    db.session.commit()
    response = db.session.scalars(db.select(Response).filter_by(panellist_id=panellist)).one()
    assert response.status is ResponseStatus.SUBMITTED and response.imported
    answers = {r.round_item_id: (r.value, r.unable, r.comment) for r in response.ratings}
    assert answers == {items[codes[0]].id: (9, False, None),  # replaced by the paper answer
                       items[codes[1]].id: (None, True, None),
                       items[codes[3]].id: (6, False, None)}  # kept from the draft


@pytest.fixture
def big_file(db):
    """A study and a valid responses file a little over the upload limit (long comments)."""
    study, codes = _open_study("big", 30, 100)
    db.session.commit()
    comment = "Written on the paper form. " * 140  # 3,780 characters, under the 4,000 allowed
    content = _file(100, codes, comment=comment.strip())
    assert MAX_FILE_BYTES < len(content) < COMMAND_LINE_MAX_FILE_BYTES
    return study, content


def test_an_upload_over_10_MB_is_refused_but_the_command_line_reads_it(db, big_file):
    study, content = big_file
    with pytest.raises(InvalidFile, match=r"responses.csv: the file is 1[01]\.\d MB; at most 10 MB"):
        import_responses(study, content, "responses.csv")
    db.session.rollback()
    result = import_responses(study, content, "responses.csv",
                              max_bytes=COMMAND_LINE_MAX_FILE_BYTES)
    assert result.answers == 3000


def test_paper_answers_of_panellists_who_never_consented_need_the_teams_attestation(db):
    from delphi.models import AuditEvent, ConsentEvent, ConsentEventKind, ConsentVersion

    study, codes = _open_study("consent", 2, 3)
    version = ConsentVersion(study=study, number=1, sheet="About the study.",
                             statements=["I agree to take part."])
    db.session.add(version)
    first = db.session.scalar(db.select(Panellist).filter_by(study_id=study.id,
                                                             email="panellist1@example.org"))
    db.session.add(ConsentEvent(study_id=study.id, panellist_id=first.id, version=version,
                                kind=ConsentEventKind.CONSENTED))
    db.session.commit()
    content = _file(3, codes)

    with pytest.raises(RoundError) as refused:
        import_responses(study, content, "paper.csv")
    message = str(refused.value)
    assert "2 panellist(s) in the file (P00002, P00003) have not agreed" in message
    assert "--consent-on-paper" in message and "nothing was imported" in message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 0

    result = import_responses(study, content, "paper.csv", consent_on_paper=True)
    db.session.commit()
    assert result.answers == 6
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="responses.import")).one()
    assert event.after["consent_on_paper"] == ["P00002", "P00003"]


def test_a_bad_row_deep_in_a_bulk_file_is_named_by_its_line_and_nothing_is_written(
        db, row_counts):
    """Rows of panellists and items already accepted take the short check; a second answer, a
    rating off the scale or an unknown item after them is still refused with its own line (a
    quoted comment over two lines counts both), and the whole file is then stored (COPY on
    PostgreSQL)."""
    study, codes = _open_study("deep", 6, 30)
    db.session.commit()
    rows = [f"panellist{k}@example.org,{code},{1 + (k + n) % 9},"
            for k in range(1, 31) for n, code in enumerate(codes)]
    rows[1] = f'panellist1@example.org,{codes[1]},4,"Read twice,\nthen rated"'  # lines 3 and 4
    good = "email,item,rating,comment\n" + "\n".join(rows) + "\n"
    # Line 1 is the header; the list's row 0 is on line 2, row 1 on lines 3 and 4, and row i > 1
    # on line i + 3: row 100 (panellist 17, fifth item) on line 103, panellist 5's third answer
    # (row 4 * 6 + 2 = 26) on line 29, and the last row (179) on line 182.
    rows[100] = f"panellist17@example.org,{codes[4]},10,"
    bad = ("email,item,rating,comment\n" + "\n".join(rows) + "\n"
           + f"panellist5@example.org,{codes[2]},7,\n"  # line 183
           + "panellist8@example.org,NOPE,5,\n")  # line 184
    before = row_counts()

    with pytest.raises(InvalidFile) as refused:
        import_responses(study, bad.encode(), "responses.csv")

    assert str(refused.value).splitlines() == [
        "responses.csv, line 103, column rating: found '10', expected a whole number from 1 "
        "to 9 or U (unable to rate)",
        f"responses.csv, line 183, column item: a second row for panellist5@example.org and "
        f"item {codes[2]} (the first is on line 29)",
        "responses.csv, line 184, column item: 'NOPE' is not an item of round 1",
    ]
    db.session.rollback()
    assert row_counts() == before

    result = import_responses(study, good.encode(), "responses.csv")
    db.session.commit()
    assert (result.panellists, result.answers) == (30, 180)
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 180
    assert db.session.scalars(db.select(Rating.comment).where(
        Rating.comment.is_not(None))).all() == ["Read twice,\nthen rated"]
    assert db.session.scalar(db.select(db.func.sum(Rating.value))) == sum(
        1 + (k + n) % 9 for k in range(1, 31) for n in range(6)) - (1 + 2 % 9) + 4


@postgresql_only
def test_the_planner_counts_an_imported_files_ratings_before_the_tally_is_counted_again(db):
    """On PostgreSQL the tally's recount runs in the import's transaction: planned for a rating
    table it believed empty, it joined row by row and took minutes for 400,000 answers."""
    study, codes = _open_study("planned", 10, 100)
    db.session.commit()
    import_responses(study, _file(100, codes), "responses.csv")
    believed = db.session.scalar(
        sa.text("SELECT reltuples FROM pg_class WHERE relname = 'rating'"))
    assert believed >= 1_000  # 100 panellists x 10 items, counted by ANALYZE in the transaction
