"""A write refused by a database constraint after the input was checked (another change saved
the same slug at that moment): a plain message, a 409 page, and nothing written."""
from __future__ import annotations

import io

import sqlalchemy as sa

from delphi.models import Study
from delphi.studies import cli as study_cli
from delphi.studies import views as console_studies


def _taken_once_checked(db, monkeypatch, module):
    """Make the study's slug taken just after the file was checked and found free."""
    check = module.parse_study_file

    def check_then_take(data, filename):
        parsed = check(data, filename)
        db.session.execute(sa.insert(Study).values(slug=parsed.slug, title="Saved meanwhile"))
        return parsed

    monkeypatch.setattr(module, "parse_study_file", check_then_take)


def _studies(db) -> list[str]:
    db.session.rollback()
    return db.session.scalars(sa.select(Study.slug)).all()


def test_the_cli_says_what_happened_and_writes_nothing(db, runner, tmp_path, monkeypatch,
                                                       study_file_bytes):
    _taken_once_checked(db, monkeypatch, study_cli)
    path = tmp_path / "study.toml"
    path.write_bytes(study_file_bytes)
    result = runner.invoke(args=["delphi", "study", "import", str(path)])
    assert result.exit_code == 1
    assert "Another change saved the same thing at the same moment" in result.output
    assert "Nothing was written; run the command again." in result.output
    assert "Traceback" not in result.output
    assert _studies(db) == []  # neither the study nor its sections or the racing row


def test_the_console_answers_409_and_writes_nothing(db, client, login_as, monkeypatch,
                                                    study_file_bytes):
    login_as("admin")
    _taken_once_checked(db, monkeypatch, console_studies)
    response = client.post("/console/studies/import", data={
        "file": (io.BytesIO(study_file_bytes), "study.toml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed at the same moment" in page and "Nothing from your request was saved" in page
    assert "IntegrityError" not in page and "constraint" not in page
    assert _studies(db) == []
