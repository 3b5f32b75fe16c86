"""The demo study asks for consent and four background questions, answered by everyone who
opened round 1, and its report describes the panel."""
from __future__ import annotations

import json

from delphi.consent.background import questions_of
from delphi.consent.operations import consent_needed, current_version
from delphi.models import BackgroundAnswer, ConsentEvent, Panellist, Study
from delphi.reports import export


def test_the_demo_panel_consented_and_answered_the_background_questions(runner, db):
    result = runner.invoke(args=["delphi", "demo"])
    assert result.exit_code == 0, result.output
    study = db.session.scalar(db.select(Study).filter_by(slug="cpi-guidance"))
    version = current_version(study)
    assert version.number == 1 and len(version.statements) == 4
    assert "What happens to my answers?" in version.sheet
    assert [q.code for q in questions_of(study)] == ["role", "years", "region",
                                                     "lived_experience"]
    panel = db.session.scalars(db.select(Panellist).filter_by(study_id=study.id)
                               .order_by(Panellist.id)).all()
    # Two of the 30 never opened round 1 (simulation.toml): they are still asked to consent.
    waiting = [p for p in panel if consent_needed(p) is not None]
    assert len(panel) == 30 and len(waiting) == 2
    assert db.session.scalar(db.select(db.func.count(ConsentEvent.id))) == 28
    assert db.session.scalar(db.select(db.func.count(BackgroundAnswer.id))) == 28 * 4
    assert all(e.at < study.rounds[0].closed_at for e in db.session.scalars(
        db.select(ConsentEvent)))

    table = json.loads(export(study, "json"))["panel_characteristics"]
    assert table["panellists"] == 28
    roles = {row["answer"]: row["overall"] for row in table["rows"] if row["question"] == "role"}
    # panel.csv: 6 people who use services (all opened round 1) and 3 researchers (fewer than 5).
    assert roles["None of these: I use or have used services"] == 6
    assert roles["Researcher"] is None
