"""``delphi study import``, ``export``, ``list`` and ``complete``, and every study file error."""
from __future__ import annotations

import tomllib

import pytest

from delphi.models import ConsensusRule, Item, QuantileMethod, Section, Study, StudyStatus
from delphi.studies.export import export_study_file, toml_string
from tests.support.fixtures import STUDY_FILE

GOOD = STUDY_FILE.read_text("utf-8")


def test_import_creates_the_study_with_sections_items_and_defaults(cli, write_file, db):
    result = cli("study", "import", write_file("study.toml", GOOD))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "test-guidance"
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    assert study.title == "Test guidance"
    assert study.contact == "team@example.org"
    assert (study.scale_min, study.scale_max, study.unable_to_rate) == (1, 9, True)
    assert study.scale_labels == {"1": "Not important", "5": "Important but not critical",
                                  "9": "Critical"}
    assert study.consensus_rule is ConsensusRule.COMET
    assert study.quantile_method is QuantileMethod.LINEAR
    # Keys the file leaves out take the documented defaults.
    assert (study.agreement_pct, study.opposite_max_pct, study.min_ratings) == (70, 15, 5)
    assert study.status is StudyStatus.SETUP
    assert [(s.code, s.title) for s in study.sections] == [
        ("S1", "Preparing to work together"), ("S2", "Mapping the social network")]
    assert [i.code for i in study.sections[0].items] == ["S1.1", "S1.2"]
    assert study.sections[1].items[1].text == "The map includes connections made within services."


def test_import_reads_every_optional_table(cli, write_file, db):
    extra = GOOD.replace('quantiles = "linear"\n', """quantiles = "weibull"
agreement = 80
opposite_max = 10
opposite_inclusive = true
min_ratings = 3
per_group = true
stability_max = 20

[feedback]
preselect_previous = true
reason_outside_iqr = true
group_feedback = true
min_group_size = 4

[schedule]
reminder_days = [10, 3, 1]
auto_close = true

[messages]
invitation_subject = "Round {round} is open"
invitation_body = \"\"\"Dear {name},
please rate: {link}\"\"\"
""")
    result = cli("study", "import", write_file("study.toml", extra))

    assert result.exit_code == 0, result.output
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    assert study.quantile_method is QuantileMethod.WEIBULL
    assert (study.agreement_pct, study.opposite_max_pct, study.opposite_inclusive) == (80, 10, True)
    assert (study.min_ratings, study.per_group_consensus, study.stability_max_pct) == (3, True, 20)
    assert (study.preselect_previous, study.reason_outside_iqr, study.group_feedback) == (True,) * 3
    assert study.min_group_size == 4
    assert (study.reminder_days, study.auto_close) == ("10,3,1", True)
    assert study.invitation_subject == "Round {round} is open"
    assert study.invitation_body == "Dear {name},\nplease rate: {link}"
    assert study.reminder_subject is None


def _import_fails(cli, write_file, row_counts, content: str | bytes, name="study.toml"):
    before = row_counts()
    result = cli("study", "import", write_file(name, content))
    assert result.exit_code == 1, result.output
    assert row_counts() == before
    return result.output


@pytest.mark.parametrize("change, expected", [
    (('title = "Test guidance"', 'titel = "Test guidance"'),
     "study.toml, line 2, [study] titel: unknown key 'titel'"),
    (('title = "Test guidance"', 'title = "  "'), "[study] title: is empty"),
    (("min = 1", 'min = "1"'), "line 8, [scale] min: found '1', expected a whole number"),
    (("unable_to_rate = true", "unable_to_rate = 1"),
     "line 11, [scale] unable_to_rate: found 1, expected true or false"),
    (('rule = "comet"', 'rule = "comett"'),
     """line 14, [consensus] rule: found 'comett', expected one of "comet", "percent", "iqr", "rand\""""),
    (('quantiles = "linear"', 'quantiles = "spss"'), "line 15, [consensus] quantiles: found 'spss'"),
    (('quantiles = "linear"', 'quantiles = "linear"\nagreement = 101'),
     "line 16, [consensus] agreement: found 101, expected a number from 1 to 100"),
    (("max = 9", "max = 2"), "[scale] max: the scale 1 to 2 has fewer than three points"),
    (('9 = "Critical"', '10 = "Critical"'), "line 10, [scale] labels 10: 10 is not on the scale 1 to 9"),
    (('slug = "test-guidance"', 'slug = "Test Guidance"'),
     "line 3, [study] slug: must be lower-case letters and digits"),
    (('code = "S2"', 'code = "S1"'), "line 26, section 2 code: duplicate code 'S1'; it is already used on line 18"),
    (('code = "S2.1"', 'code = "S1.1"'),
     "line 29, section S2 item 1 code: duplicate code 'S1.1'; it is already used on line 21"),
    (('text = "Decisions are made jointly."', 'text = ""'), "line 22, item S1.2 text: found ''"),
    (('{ code = "S1.2", text', '{ code = "S1.2", txt'), "line 22, item S1.2 txt: unknown key 'txt'"),
    (("[scale]", "[scales]"), "line 7, scales: unknown table or key 'scales'"),
])
def test_a_bad_study_file_names_file_line_key_and_changes_nothing(
        cli, write_file, row_counts, change, expected):
    old, new = change
    assert old in GOOD
    output = _import_fails(cli, write_file, row_counts, GOOD.replace(old, new, 1))
    assert expected in output


def test_every_problem_is_reported_at_once(cli, write_file, row_counts):
    content = (GOOD.replace("min = 1", "min = true")
               .replace('rule = "comet"', 'rule = "majority"').replace('code = "S2.1"', 'code = "S1.1"'))
    output = _import_fails(cli, write_file, row_counts, content)
    assert "line 8, [scale] min" in output
    assert "line 14, [consensus] rule" in output
    assert "line 29, section S2 item 1 code: duplicate" in output


def test_a_toml_syntax_error_gives_line_and_column(cli, write_file, row_counts):
    output = _import_fails(cli, write_file, row_counts, GOOD.replace('title = "Test guidance"',
                                                                     'title = "Test guidance'))
    assert "study.toml, line 2, column" in output
    assert "TOML syntax error" in output


def test_a_file_that_is_not_utf8_is_refused_with_its_line(cli, write_file, row_counts):
    content = GOOD.replace("Decisions are made jointly.", "Décisions").encode("latin-1")
    output = _import_fails(cli, write_file, row_counts, content)
    assert "study.toml, line 22: byte 0xe9 is not UTF-8 text" in output


def test_a_slug_already_taken_is_refused(cli, write_file, row_counts, imported_study):
    imported_study("test-guidance")
    output = _import_fails(cli, write_file, row_counts, GOOD)
    assert "line 3, [study] slug: a study with the slug 'test-guidance' already exists" in output


def test_a_study_without_items_is_refused(cli, write_file, row_counts):
    output = _import_fails(cli, write_file, row_counts, GOOD[:GOOD.index("[[sections]]")])
    assert "[[sections]]: expected one or more [[sections]]" in output


def test_consensus_settings_the_engine_refuses_are_reported(cli, write_file, row_counts):
    content = GOOD.replace("max = 9", "max = 5").replace('9 = "Critical"', '4 = "Critical"') \
        .replace('rule = "comet"', 'rule = "rand"')
    output = _import_fails(cli, write_file, row_counts, content)
    assert "line 14, [consensus] rule: the RAND/UCLA rule needs the 1-9 scale, not 1-5" in output


@pytest.mark.parametrize("change, expected", [
    ('quantiles = "linear"\npercent = 40', "line 16, [consensus] percent: percent = 40 (the percent agreement threshold) must be between "
     "51 and 100"),
    ('quantiles = "linear"\nagreement = 60\nopposite_max = 60',
     "line 17, [consensus] opposite_max: opposite_max = 60 (the largest share in the opposite "
     "region) must be below agreement = 60 (the agreement needed in a region)"),
    ('quantiles = "linear"\nlow_to = 7\nhigh_from = 5',
     "line 16, [consensus] low_to: low_to = 7 (the last point of the low region) must be below "
     "high_from = 5 (the first point of the high region): the regions overlap"),
])
def test_the_engines_objection_points_at_the_key(cli, write_file, row_counts, change, expected):
    output = _import_fails(cli, write_file, row_counts, GOOD.replace('quantiles = "linear"', change))
    assert expected in output


def test_a_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("study", "import", str(tmp_path / "nowhere.toml"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_export_round_trips_through_import(cli, write_file, imported_study, db):
    slug = imported_study()
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    study.description = 'Line one with "quotes", a back\\slash,\na tab\there and é ü 中.'
    study.items[0].text = 'An item with "quotes" \\ and\ta tab.'
    study.iqr_max = 1.5
    db.session.commit()

    result = cli("study", "export", slug)
    assert result.exit_code == 0, result.output
    exported = result.output
    tomllib.loads(exported)
    path = write_file("copy.toml", exported.replace(f'slug = "{slug}"', 'slug = "copy"'))
    assert cli("study", "import", path).exit_code == 0

    copy = db.session.scalar(db.select(Study).filter_by(slug="copy"))
    for column in Study.__table__.columns:
        if column.name not in {"id", "slug", "created_at", "status"}:
            assert getattr(copy, column.name) == getattr(study, column.name), column.name
    assert [(s.code, s.title) for s in copy.sections] == [(s.code, s.title) for s in study.sections]
    assert [(i.code, i.text) for i in copy.items] == [(i.code, i.text) for i in study.items]


def test_export_writes_the_latest_wording_and_leaves_out_retired_items(db, imported_study):
    study = db.session.scalar(db.select(Study).filter_by(slug=imported_study()))
    old, retired = study.sections[0].items
    retired.retired = True
    db.session.add(Item(study=study, section=old.section, code="S1.1-v2", text="New wording.",
                        position=3, reworded_from=old))
    db.session.flush()

    items = tomllib.loads(export_study_file(study))["sections"][0]["items"]
    assert items == [{"code": "S1.1-v2", "text": "New wording."}]
    # A new wording that was itself retired gives the old wording back.
    db.session.scalar(db.select(Item).filter_by(code="S1.1-v2")).retired = True
    items = tomllib.loads(export_study_file(study))["sections"][0]["items"]
    assert items == [{"code": "S1.1", "text": old.text}]


def test_export_to_a_file(cli, imported_study, tmp_path):
    slug = imported_study()
    target = tmp_path / "out.toml"
    result = cli("study", "export", slug, "--output", str(target))
    assert result.exit_code == 0
    assert tomllib.loads(target.read_text("utf-8"))["study"]["slug"] == slug


@pytest.mark.parametrize("text", ['plain', 'quote " and \\ backslash', "new\nline\r", "\x00\x1f\x7f",
                                  "é ü 中 😀"])
def test_toml_string_escapes_what_toml_needs(text):
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


def test_unknown_slug_lists_the_studies(cli, imported_study):
    imported_study("one")
    result = cli("study", "export", "two")
    assert result.exit_code == 1
    assert "No study has the slug 'two'; the studies are: one." in result.output


def test_list_and_complete(cli, imported_study, db):
    assert "No studies yet" in cli("study", "list").output
    slug = imported_study()
    assert cli("study", "list").output.startswith(f"{slug}\tsetup\t0 rounds\tTest guidance")

    result = cli("study", "complete", slug)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(Study.status).filter_by(slug=slug)) is StudyStatus.COMPLETE
    again = cli("study", "complete", slug)
    assert again.exit_code == 1
    assert f"Study {slug} is already complete." in again.output


def test_sections_keep_file_order(db, imported_study):
    study = db.session.scalar(db.select(Study).filter_by(slug=imported_study()))
    positions = db.session.execute(db.select(Section.code, Section.position)
                                   .filter_by(study_id=study.id).order_by(Section.position)).all()
    assert [tuple(p) for p in positions] == [("S1", 1), ("S2", 2)]
