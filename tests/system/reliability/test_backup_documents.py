"""A study's documents live in the database, so ``delphi backup`` carries them and a restored
copy holds each file byte for byte, with the link documents beside them."""
from __future__ import annotations

import sqlalchemy as sa

from delphi.studies.documents import attach_file, attach_link
from tests.system.reliability.conftest import restored

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"  # every byte value, to catch encoding


def test_a_backup_restores_every_document(app, db, make_study, runner, tmp_path):
    study = make_study()
    attach_file(study, title="Sheet", filename="sheet.pdf", data=PDF)
    attach_link(study, title="Elsewhere", url="https://example.org/guide",
                section=study.sections[0])
    db.session.commit()
    copy = tmp_path / "copy.backup"

    result = runner.invoke(args=["delphi", "backup", "--output", str(copy)])

    assert result.exit_code == 0, result.output
    with restored(copy, app.config["SQLALCHEMY_DATABASE_URI"]) as engine, \
            engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT title, filename, content, url, section_id FROM study_document ORDER BY id"
        )).all()
    assert [(r.title, r.filename, bytes(r.content) if r.content else None, r.url,
             r.section_id) for r in rows] == [
        ("Sheet", "sheet.pdf", PDF, None, None),
        ("Elsewhere", None, None, "https://example.org/guide", study.sections[0].id),
    ]
