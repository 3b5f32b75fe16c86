"""``delphi export`` and ``delphi staff token`` from the command line."""
from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from delphi.models import AuditEvent, StaffUser
from delphi.rounds.lifecycle import open_round
from tests.reports.conftest import ROUND_1
from tests.reports.expected import expected


def test_export_csv_writes_the_item_table(two_rounds, runner, tmp_path):
    output = tmp_path / "round1.csv"
    result = runner.invoke(args=["delphi", "export", "two-rounds", "--round", "1",
                                 "--format", "csv", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {output}" in result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert [r["item"] for r in rows] == list(ROUND_1)
    for row in rows:
        want = expected(ROUND_1[row["item"]])
        assert float(row["median"]) == pytest.approx(want["median"])
        assert float(row["q3"]) == pytest.approx(want["q3"])
        assert float(row["pct_high"]) == pytest.approx(want["pct_high"])


@pytest.mark.parametrize("fmt", ["xlsx", "json", "html", "pdf", "raw"])
def test_export_writes_every_format(two_rounds, runner, tmp_path, fmt):
    output = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["delphi", "export", "two-rounds", "--format", fmt,
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.stat().st_size > 100
    if fmt == "json":
        assert json.loads(output.read_text())["study"]["slug"] == "two-rounds"


def test_unknown_study_is_a_plain_error(db, runner, tmp_path):
    result = runner.invoke(args=["delphi", "export", "nope", "--format", "csv",
                                 "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "No study has the slug 'nope'; there are no studies yet." in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_round_that_is_open_or_missing_is_refused(db, make_study, make_panel, runner, tmp_path):
    study = make_study(slug="running")
    make_panel(study)
    open_round(study)
    db.session.commit()
    result = runner.invoke(args=["delphi", "export", "running", "--round", "1", "--format",
                                 "csv", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "Round 1 of running is open; only a closed round has a report." in result.output
    result = runner.invoke(args=["delphi", "export", "running", "--round", "4", "--format",
                                 "csv", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "Study running has no round 4." in result.output


@pytest.mark.parametrize("where", ["missing-folder/out.csv", "."])
def test_an_unwritable_output_is_a_plain_error(two_rounds, runner, tmp_path, where):
    result = runner.invoke(args=["delphi", "export", "two-rounds", "--format", "csv",
                                 "--output", str(tmp_path / where)])
    assert result.exit_code == 1
    assert "Cannot write" in result.output
    assert "Traceback" not in result.output


def test_staff_token_prints_a_token_once_and_stores_only_its_hash(db, make_staff, runner):
    make_staff(email="coord@example.org", role="coordinator")
    db.session.commit()
    result = runner.invoke(args=["delphi", "staff", "token", "coord@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    db.session.expire_all()
    user = db.session.scalar(db.select(StaffUser).filter_by(email="coord@example.org"))
    assert user.api_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in user.api_token_hash
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="staff.api_token.issue"))

    result = runner.invoke(args=["delphi", "staff", "token", "coord@example.org", "--revoke"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(StaffUser, user.id).api_token_hash is None


def test_staff_token_for_an_unknown_account_is_a_plain_error(db, runner):
    result = runner.invoke(args=["delphi", "staff", "token", "ghost@example.org"])
    assert result.exit_code == 1
    assert "No staff account has the e-mail ghost@example.org." in result.output
