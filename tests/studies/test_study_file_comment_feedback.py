"""The study file's [feedback] comment_feedback: what panellists see of the comments from round 2
on (the comments, the team's summary of the arguments, or both)."""
from __future__ import annotations

import tomllib

from delphi.models import CommentFeedback, Study
from delphi.studies.export import export_study_file

STUDY = """[study]
title = "Test guidance"
slug = "test-guidance"

[scale]
min = 1
max = 9
{feedback}
[[sections]]
code = "S1"
title = "Preparing to work together"
items = [{{ code = "S1.1", text = "Share ownership of the work." }}]
"""


def _with_feedback(value: str | None) -> str:
    table = f"\n[feedback]\ncomment_feedback = {value}\n" if value else ""
    return STUDY.format(feedback=table)


def test_the_choice_is_read_and_round_trips_through_export(cli, write_file, db):
    result = cli("study", "import", write_file("study.toml", _with_feedback('"both"')))
    assert result.exit_code == 0, result.output
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    assert study.comment_feedback is CommentFeedback.BOTH

    exported = export_study_file(study)
    assert tomllib.loads(exported)["feedback"]["comment_feedback"] == "both"
    copy = write_file("copy.toml", exported.replace('slug = "test-guidance"', 'slug = "copy"'))
    assert cli("study", "import", copy).exit_code == 0
    assert db.session.scalar(db.select(Study).filter_by(slug="copy")).comment_feedback \
        is CommentFeedback.BOTH


def test_a_study_file_without_it_shows_the_comments(cli, write_file, db):
    assert cli("study", "import", write_file("study.toml", _with_feedback(None))).exit_code == 0
    study = db.session.scalar(db.select(Study).filter_by(slug="test-guidance"))
    assert study.comment_feedback is CommentFeedback.COMMENTS


def test_an_unknown_choice_is_reported_at_its_key_and_nothing_is_written(cli, write_file, db):
    path = write_file("study.toml", _with_feedback('"digest"'))
    result = cli("study", "import", path)
    assert result.exit_code != 0
    lines = _with_feedback('"digest"').splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("comment_feedback"))
    assert f"line {line}, [feedback] comment_feedback" in result.output
    assert 'expected one of "comments", "summary", "both"' in result.output
    assert db.session.scalar(db.select(Study)) is None
