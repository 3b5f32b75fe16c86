"""``delphi responses import``: responses given on paper or by e-mail, and every file error."""
from __future__ import annotations

import pytest

from delphi.importing import InvalidFile
from delphi.models import Panellist, Rating, Response, ResponseStatus, RoundItem, Study, utcnow
from delphi.rounds.responses_import import import_responses

PANEL = """name,email,group
Aisha Rahman,aisha@example.org,Social workers
Gareth Llewellyn,gareth@example.org,Social workers
Mei Chen,mei@example.org,People who use services
"""


@pytest.fixture
def open_study(cli, write_file, imported_study):
    """The test study with a panel of three and round 1 open; returns the slug."""
    slug = imported_study()
    assert cli("panel", "import", slug, write_file("panel.csv", PANEL)).exit_code == 0
    assert cli("round", "open", slug).exit_code == 0
    return slug


def _ratings(db) -> dict[tuple[str, str], tuple[int | None, bool, str | None]]:
    rows = db.session.execute(
        db.select(Panellist.email, RoundItem.code, Rating.value, Rating.unable, Rating.comment)
        .join(Response, Rating.response_id == Response.id)
        .join(Panellist, Response.panellist_id == Panellist.id)
        .join(RoundItem, Rating.round_item_id == RoundItem.id))
    return {(e, c): (v, u, comment) for e, c, v, u, comment in rows}


def test_import_stores_submitted_responses(cli, write_file, open_study, db):
    content = """email,item,rating,comment
aisha@example.org,S1.1,8,Central to the approach.
aisha@example.org,S1.2,U,
AISHA@example.org,S2.1,,"I am not sure, it depends"
gareth@example.org,S1.1,3,
"""
    result = cli("responses", "import", open_study, write_file("responses.csv", content))

    assert result.exit_code == 0, result.output
    assert result.output == (f"Imported 4 answers from 2 panellists into round 1 of {open_study}, "
                             "as submitted.\n")
    assert _ratings(db) == {
        ("aisha@example.org", "S1.1"): (8, False, "Central to the approach."),
        ("aisha@example.org", "S1.2"): (None, True, None),
        ("aisha@example.org", "S2.1"): (None, False, "I am not sure, it depends"),
        ("gareth@example.org", "S1.1"): (3, False, None),
    }
    responses = {r.panellist.email: r for r in db.session.scalars(db.select(Response))}
    assert responses["aisha@example.org"].status is ResponseStatus.SUBMITTED
    assert responses["aisha@example.org"].imported is True
    assert responses["mei@example.org"].status is ResponseStatus.INVITED


def test_a_comment_column_is_optional_and_a_reimport_replaces_imported_answers(
        cli, write_file, open_study, db):
    assert cli("responses", "import", open_study,
               write_file("a.csv", "email,item,rating\nmei@example.org,S1.1,5\n")).exit_code == 0
    result = cli("responses", "import", open_study,
                 write_file("b.csv", "email,item,rating\nmei@example.org,S1.1,6\n"))

    assert result.exit_code == 0, result.output
    assert _ratings(db) == {("mei@example.org", "S1.1"): (6, False, None)}


HEADER = "email,item,rating,comment\n"


@pytest.mark.parametrize("rows, expected", [
    ("nobody@example.org,S1.1,5,\n",
     "responses.csv, line 2, column email: nobody@example.org is not on the panel of test-guidance"),
    ("aisha@example.org,S9.9,5,\n",
     "responses.csv, line 2, column item: 'S9.9' is not an item of round 1"),
    ("aisha@example.org,S1.1,10,\n",
     "responses.csv, line 2, column rating: found '10', expected a whole number from 1 to 9 "
     "or U (unable to rate)"),
    ("aisha@example.org,S1.1,0,\n", "line 2, column rating: found '0'"),
    ("aisha@example.org,S1.1,7.5,\n", "line 2, column rating: found '7.5'"),
    ("aisha@example.org,S1.1,high,\n", "line 2, column rating: found 'high'"),
    ("aisha@example.org,S1.1,,\n",
     "line 2, column rating: the rating is empty; expected a whole number from 1 to 9 or U"),
    ("aisha@example.org,S1.1,5,\nmei@example.org,S1.1,5,\naisha@example.org,S1.1,6,\n",
     "responses.csv, line 4, column item: a second row for aisha@example.org and item S1.1 "
     "(the first is on line 2)"),
    (",S1.1,5,\n", "line 2, column email: the e-mail address is empty"),
    ("aisha@example.org,S1.1,5\n", "responses.csv, line 2: found 3 cells, expected 4"),
    (f"aisha@example.org,S1.1,{'7' * 5000},\n",
     "responses.csv, line 2, column rating: found '77777777777777777777'... (5,000 characters), "
     "expected a whole number from 1 to 9 or U (unable to rate)"),
    ("aisha@example.org,S1.1,\u0667,\n", "responses.csv, line 2, column rating: found '\u0667'"),
    (f"aisha@example.org,S1.1,5,{'x' * 4001}\n",
     "responses.csv, line 2, column comment: the comment is 4,001 characters long; the limit "
     "is 4,000."),
    ("aisha@example.org,S1.1,5,bell\a\n",
     "responses.csv, line 2, column comment: the comment contains a control character (U+0007) "
     "at character 5; remove it."),
])
def test_a_bad_responses_file_names_line_and_column_and_changes_nothing(
        cli, write_file, open_study, row_counts, rows, expected):
    before = row_counts()
    result = cli("responses", "import", open_study, write_file("responses.csv", HEADER + rows))

    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert row_counts() == before


@pytest.mark.parametrize("rating", [
    "5" * 5000,  # more digits than int() will read
    "-" + "9" * 5000,
    "\u0667",  # ARABIC-INDIC DIGIT SEVEN: \d and int() read it as 7
    "\uff17",  # FULLWIDTH DIGIT SEVEN
    "\u0968",  # DEVANAGARI DIGIT TWO
    "1\u0660",  # one, then ARABIC-INDIC DIGIT ZERO
])
def test_a_rating_is_refused_unless_written_in_a_few_ascii_digits(db, open_study, row_counts,
                                                                   rating):
    study = db.session.scalar(db.select(Study))
    before = row_counts()
    content = HEADER + "gareth@example.org,S1.2,4,\n" + f"aisha@example.org,S1.1,{rating},\n"

    with pytest.raises(InvalidFile) as refused:
        import_responses(study, content.encode("utf-8"), "responses.csv")

    assert [(p.line, p.where) for p in refused.value.problems] == [(3, "column rating")]
    message = str(refused.value)
    assert message.startswith("responses.csv, line 3, column rating: found ")
    assert message.endswith("expected a whole number from 1 to 9 or U (unable to rate)")
    assert len(message) < 200, "the problem repeats a few characters, not the whole value"
    db.session.rollback()
    assert row_counts() == before


def test_comments_follow_the_questionnaires_rules(db, open_study, row_counts):
    study = db.session.scalar(db.select(Study))
    before = row_counts()
    content = (HEADER + f"aisha@example.org,S1.1,5,{'x' * 4001}\n"
               + "aisha@example.org,S1.2,5,\"escape \x1b[31m\"\n"
               + "gareth@example.org,S1.1,6,\"delete \x7f\"\n")

    with pytest.raises(InvalidFile) as refused:
        import_responses(study, content.encode("utf-8"), "responses.csv")

    assert str(refused.value).splitlines() == [
        "responses.csv, line 2, column comment: the comment is 4,001 characters long; the limit "
        "is 4,000.",
        "responses.csv, line 3, column comment: the comment contains a control character "
        "(U+001B) at character 8; remove it.",
        "responses.csv, line 4, column comment: the comment contains a control character "
        "(U+007F) at character 8; remove it.",
    ]
    db.session.rollback()
    assert row_counts() == before


def test_a_comment_as_long_as_online_with_tabs_and_line_breaks_is_stored(db, open_study):
    study = db.session.scalar(db.select(Study))
    longest = "y" * 4000
    content = (HEADER + f"aisha@example.org,S1.1,5,{longest}\n"
               + "aisha@example.org,S1.2,U,\"First line,\n\tsecond line\"\n")

    result = import_responses(study, content.encode("utf-8"), "responses.csv")
    db.session.commit()

    assert (result.panellists, result.answers) == (1, 2)
    assert _ratings(db) == {
        ("aisha@example.org", "S1.1"): (5, False, longest),
        ("aisha@example.org", "S1.2"): (None, True, "First line,\n\tsecond line"),
    }


def test_good_rows_are_not_stored_when_another_row_is_bad(cli, write_file, open_study, row_counts):
    before = row_counts()
    content = HEADER + "aisha@example.org,S1.1,5,\ngareth@example.org,S1.1,11,\n"
    result = cli("responses", "import", open_study, write_file("responses.csv", content))
    assert result.exit_code == 1
    assert "line 3, column rating" in result.output
    assert "line 2" not in result.output
    assert row_counts() == before


@pytest.mark.parametrize("content, expected", [
    ("email,item,comment\na@example.org,S1.1,x\n",
     "responses.csv, line 1, column rating: missing column 'rating'; expected the columns: "
     "email, item, rating, comment"),
    ("email;item;rating\na@example.org;S1.1;5\n", "line 1, column email;item;rating: unexpected column"),
    ((HEADER + "mei@example.org,S1.1,5,Très bien\n").encode("latin-1"),
     "responses.csv, line 2: byte 0xe8 is not UTF-8 text"),
])
def test_a_file_with_the_wrong_columns_or_encoding_is_refused(
        cli, write_file, open_study, row_counts, content, expected):
    before = row_counts()
    result = cli("responses", "import", open_study, write_file("responses.csv", content))
    assert result.exit_code == 1
    assert expected in result.output
    assert row_counts() == before


def test_unable_to_rate_is_refused_when_the_study_does_not_offer_it(
        cli, write_file, open_study, db, row_counts):
    db.session.scalar(db.select(Study)).unable_to_rate = False
    db.session.commit()
    before = row_counts()
    result = cli("responses", "import", open_study,
                 write_file("responses.csv", HEADER + "aisha@example.org,S1.1,u,\n"))
    assert result.exit_code == 1
    assert ("line 2, column rating: U (unable to rate) is not offered by this study; "
            "expected a whole number from 1 to 9") in result.output
    assert row_counts() == before


def test_a_withdrawn_panellist_is_refused(cli, write_file, open_study, db, row_counts):
    db.session.scalar(db.select(Panellist).filter_by(email="mei@example.org")).withdrawn_at = utcnow()
    db.session.commit()
    before = row_counts()
    result = cli("responses", "import", open_study,
                 write_file("responses.csv", HEADER + "mei@example.org,S1.1,5,\n"))
    assert result.exit_code == 1
    assert "line 2, column email: mei@example.org (P003) has withdrawn from the study" in result.output
    assert row_counts() == before


def test_a_response_submitted_online_is_not_overwritten(cli, write_file, open_study, db, submit,
                                                        row_counts):
    study = db.session.scalar(db.select(Study))
    mei = db.session.scalar(db.select(Panellist).filter_by(email="mei@example.org"))
    submit(study.rounds[0], mei, {"S1.1": 9})
    db.session.commit()
    before = row_counts()
    result = cli("responses", "import", open_study,
                 write_file("responses.csv", HEADER + "mei@example.org,S1.1,2,\n"))
    assert result.exit_code == 1
    assert "mei@example.org (P003) already submitted round 1 online" in result.output
    assert row_counts() == before
    assert _ratings(db) == {("mei@example.org", "S1.1"): (9, False, None)}


def test_rating_into_a_closed_round_is_refused(cli, write_file, open_study, row_counts):
    assert cli("round", "close", open_study).exit_code == 0
    before = row_counts()
    result = cli("responses", "import", open_study,
                 write_file("responses.csv", HEADER + "mei@example.org,S1.1,5,\n"))
    assert result.exit_code == 1
    assert (f"Responses are imported into the open round, but round 1 is closed in "
            f"{open_study}.") in result.output
    assert row_counts() == before


def test_importing_before_any_round_is_refused(cli, write_file, imported_study):
    slug = imported_study()
    result = cli("responses", "import", slug,
                 write_file("responses.csv", HEADER + "mei@example.org,S1.1,5,\n"))
    assert result.exit_code == 1
    assert "but no round has been opened in test-guidance" in result.output
