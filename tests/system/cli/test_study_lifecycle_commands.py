"""``delphi study reopen`` and ``delphi study delete``, and the lock of a complete study on the
command line, run through the installed entry point in a process of its own against the test
database."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from delphi.mail.sender import message_file
from delphi.models import (
    AuditEvent,
    Decision,
    Item,
    MessageStatus,
    OutboxMessage,
    Panellist,
    RoundItem,
    Study,
    StudyStatus,
    utcnow,
)
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import complete_study


@pytest.fixture
def cli_instance(app_config) -> Path:
    """The command shares the test app's instance folder, where the app writes mail files."""
    return Path(app_config["INSTANCE_PATH"])


@pytest.fixture
def complete(db, make_study, make_panel, submit):
    """Round 1 rated (S1.1 consensus in, S1.2 consensus out) and closed; the study complete."""
    study = make_study(slug="done-study", sections=1, items_per_section=2)
    panel = make_panel(study, n=5)
    round_ = open_round(study, closes_at=utcnow() + timedelta(days=3))
    for panellist in panel:
        submit(round_, panellist, {"S1.1": 9, "S1.2": 1})
    close_round(round_)
    complete_study(study)
    db.session.commit()
    return study


def _decision(db, code: str) -> Decision:
    return db.session.scalar(db.select(RoundItem.decision).filter_by(code=code))


def test_a_complete_study_refuses_decisions_and_rewordings(delphi, db, complete):
    decided = delphi("round", "decide", "done-study", "S1.2", "consensus_in",
                     "--reason", "Misread.")
    assert decided.returncode == 1
    assert decided.stderr == "Error: The study is complete; reopen it to change decisions.\n"
    assert _decision(db, "S1.2") is Decision.CONSENSUS_OUT

    reworded = delphi("round", "reword", "done-study", "S1.2", "Clearer words.",
                      "--reason", "Vague.")
    assert reworded.returncode == 1
    assert reworded.stderr == "Error: The study is complete; reopen it to change rewordings.\n"
    assert db.session.scalar(db.select(Item.id).filter_by(code="S1.2-v2")) is None


def test_reopen_needs_a_reason_and_unlocks_the_decisions(delphi, db, complete):
    missing = delphi("study", "reopen", "done-study")
    assert missing.returncode == 2
    assert "Missing option '--reason'" in missing.stderr
    blank = delphi("study", "reopen", "done-study", "--reason", " ")
    assert blank.returncode == 1
    assert blank.stderr == ("Error: Give a reason for reopening study done-study; it is kept in "
                            "the audit trail.\n")
    assert db.session.get(Study, complete.id).status is StudyStatus.COMPLETE

    result = delphi("study", "reopen", "done-study", "--reason", "S1.2 was misread.")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("Study done-study is reopened (running): decisions, rewordings and "
                             "the item list can change again.\n")
    assert db.session.get(Study, complete.id).status is StudyStatus.RUNNING
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.reopen"))
    assert (event.actor, event.after["reason"]) == ("command line", "S1.2 was misread.")

    decided = delphi("round", "decide", "done-study", "S1.2", "consensus_in",
                     "--reason", "Misread.")
    assert (decided.returncode, decided.stdout) == \
        (0, "Item S1.2: Consensus in (consensus_in).\n")
    assert _decision(db, "S1.2") is Decision.CONSENSUS_IN

    again = delphi("study", "reopen", "done-study", "--reason", "Twice.")
    assert again.returncode == 1
    assert again.stderr == ("Error: Study done-study is running, not complete; there is nothing "
                            "to reopen.\n")


def test_delete_removes_a_study_that_never_opened_a_round(delphi, db, app, make_study, make_panel):
    study = make_study(slug="trial-run")
    panellist = make_panel(study, n=3)[0]
    message = OutboxMessage(study_id=study.id, panellist_id=panellist.id, kind="test",
                            to_address=panellist.email, subject="Hello", body="Hi",
                            status=MessageStatus.SENT, sent_at=utcnow())
    db.session.add(message)
    db.session.commit()
    study_id = study.id
    path = message_file(study_id, message.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Subject: Hello\n\nHi\n")

    wrong = delphi("study", "delete", "trial-run", "--confirm", "trial")
    assert wrong.returncode == 1
    assert wrong.stderr == ("Error: Type the study's slug, trial-run, to confirm the "
                            "deletion.\n")
    assert db.session.get(Study, study_id) is not None and path.exists()

    result = delphi("study", "delete", "trial-run", "--confirm", "trial-run")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("Study trial-run is deleted with its 2 sections, 6 items, "
                             "3 panellists and 1 message.\n")
    assert db.session.get(Study, study_id) is None
    assert db.session.scalar(db.select(Panellist.id).filter_by(study_id=study_id)) is None
    assert not path.exists()
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="study.delete"))
    assert (event.study_id, event.actor, event.target) == (None, "command line", "trial-run")


def test_delete_refuses_a_study_whose_round_opened(delphi, db, complete):
    result = delphi("study", "delete", "done-study", "--confirm", "done-study")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Study done-study cannot be deleted: round 1 opened on ")
    assert result.stderr.endswith("so its panel was invited and its record is kept. Mark it "
                                  "complete instead.\n")
    assert db.session.get(Study, complete.id) is not None
    assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="study.delete")) is None
