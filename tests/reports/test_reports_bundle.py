"""The supplementary bundle: one ZIP with the report, tables, questionnaires, messages, study
file, the consensus definition's history and the raw data, a small group's rows reading
"another group"; for the study's staff only, recorded in the audit trail."""
from __future__ import annotations

import csv
import io
import zipfile

from delphi.models import AuditEvent
from tests.support.reports import download_report, queue_report

EXPECTED = {
    "README.txt", "report.html", "report.pdf", "tables/items.csv", "tables/participation.csv",
    "tables/participant_flow.csv", "tables/item_flow.csv", "tables/final_status.csv",
    "tables/decisions.csv", "questionnaire/round-1.html", "questionnaire/round-2.html",
    "messages.txt", "study.toml", "consensus_definition_history.csv", "raw/ratings.csv",
    "raw/section_comments.csv", "raw/suggestions.csv", "raw/codebook.txt",
}


def _csv(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_the_bundle_holds_every_part_and_hides_a_small_group(two_rounds, client, login_as, db):
    # min_group_size 3 (conftest): round 2 has 7 responders; make the social workers too few
    # by raising the size to 4 (round 1: 4 and 3 responders in the two groups, see the groups
    # of P001..P007 alternating).
    two_rounds.study.min_group_size = 4
    db.session.commit()
    responders_1 = two_rounds.groups[:7]
    small = {g for g in set(responders_1) if responders_1.count(g) < 4}
    assert len(small) == 1  # 7 alternating panellists: 4 in one group, 3 in the other
    login_as("coordinator", studies=[two_rounds.study])
    response = download_report(client, "two-rounds", "bundle")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="two-rounds-supplementary.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == EXPECTED
    assert archive.read("report.pdf").startswith(b"%PDF")
    round_one = archive.read("questionnaire/round-1.html").decode()
    assert "S2.2" in round_one and "S2.2-v2" not in round_one
    assert "S2.2-v2" in archive.read("questionnaire/round-2.html").decode()
    ratings = [r for r in _csv(archive, "raw/ratings.csv") if r["round"] == "1"]
    assert {r["group"] for r in ratings} == (set(responders_1) - small) | {"another group"}
    assert not small & {r["group"] for r in ratings}
    assert "another group" in archive.read("raw/codebook.txt").decode()
    assert "invitation body" in archive.read("messages.txt").decode()
    history = _csv(archive, "consensus_definition_history.csv")
    assert {"recorded with round 1", "recorded with round 2"} <= {r["event"] for r in history}
    db.session.expire_all()
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="report.bundle")) is not None


def test_staff_of_another_study_cannot_download_it(two_rounds, client, login_as, make_study):
    other = make_study(slug="other")
    login_as("coordinator", studies=[other])
    assert queue_report(client, "two-rounds", "bundle").status_code == 404


def test_the_cli_writes_the_bundle(two_rounds, cli, tmp_path):
    target = tmp_path / "bundle.zip"
    result = cli("bundle", "two-rounds", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "supplementary bundle" in result.output
    assert "tables/final_status.csv" in zipfile.ZipFile(target).namelist()
