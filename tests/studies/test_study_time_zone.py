"""A study's time zone (the one its panellists read deadlines in): kept by the study file both
ways, checked against the time zone database wherever it is typed."""
from __future__ import annotations

from delphi.models import Study
from delphi.studies.export import export_study_file
from delphi.studies.forms import StudyForm
from tests.support.fixtures import STUDY_FILE

GOOD = STUDY_FILE.read_text("utf-8")


def _study(db, slug="test-guidance") -> Study | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Study).filter_by(slug=slug))


def test_a_study_reads_deadlines_in_london_time_unless_its_file_says_otherwise(cli, write_file,
                                                                                db):
    assert cli("study", "import", write_file("study.toml", GOOD)).exit_code == 0
    assert _study(db).time_zone == "Europe/London"


def test_the_time_zone_goes_through_export_and_import_unchanged(cli, write_file, db):
    text = GOOD + '\n[schedule]\ntime_zone = "America/New_York"\n'
    assert cli("study", "import", write_file("study.toml", text)).exit_code == 0
    exported = export_study_file(_study(db))
    assert 'time_zone = "America/New_York"' in exported

    again = exported.replace('slug = "test-guidance"', 'slug = "test-guidance-2"')
    result = cli("study", "import", write_file("again.toml", again))
    assert result.exit_code == 0, result.output
    assert _study(db, "test-guidance-2").time_zone == "America/New_York"


def test_an_unknown_time_zone_in_the_file_is_named_with_its_line_and_nothing_is_imported(
        cli, write_file, db):
    text = GOOD + '\n[schedule]\ntime_zone = "Mars/Olympus_Mons"\n'
    line = text.splitlines().index('time_zone = "Mars/Olympus_Mons"') + 1
    result = cli("study", "import", write_file("study.toml", text))
    assert result.exit_code == 1
    assert (f"study.toml, line {line}, [schedule] time_zone: is not a known time zone "
            "('Mars/Olympus_Mons')") in result.output
    assert _study(db) is None

    empty = cli("study", "import", write_file("empty.toml", GOOD + '\n[schedule]\ntime_zone = ""\n'))
    assert empty.exit_code == 1 and "[schedule] time_zone: is empty" in empty.output
    assert _study(db) is None


def test_the_study_form_refuses_a_time_zone_it_does_not_know(app):
    for typed, problem in (("Mars/Olympus_Mons", "is not a known time zone ('Mars/Olympus_Mons')"),
                           ("europe/london", "is not a known time zone ('europe/london')"),
                           ("", "This field is required.")):
        with app.test_request_context(method="POST", data={"time_zone": typed}):
            form = StudyForm()
            form.validate()
            assert any(problem in error for error in form.time_zone.errors), form.time_zone.errors
    with app.test_request_context(method="POST", data={"time_zone": "Asia/Kolkata"}):
        form = StudyForm()
        form.validate()
        assert form.time_zone.errors == []
