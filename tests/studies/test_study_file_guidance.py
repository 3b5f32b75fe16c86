"""The study file carries each section's guidance, each item's explanation and the study's links
([[documents]]); export writes them back so that importing the export gives the same study."""
from __future__ import annotations

import tomllib

from delphi.models import DocumentKind, Study, StudyDocument
from delphi.studies.documents import attach_file

FILE = '''
[study]
title = "Guided study"
slug = "guided"

[[sections]]
code = "S1"
title = "Preparing to work together"
guidance = """
The worker and the individual **share** the work.

- Decisions are made jointly: "together".
"""
items = [
  { code = "S1.1", text = "Share ownership.", explanation = "Both *own* it.\\nSecond line." },
  { code = "S1.2", text = "No explanation here." },
]

[[sections]]
code = "S2"
title = "Mapping"
items = [{ code = "S2.1", text = "Map the network." }]

[[documents]]
title = "The practice guidance in full"
url = "https://example.org/cpi/guidance.pdf"

[[documents]]
title = "Network map template"
url = "https://example.org/cpi/map"
section = "S2"
'''


def _documents(study: Study) -> list[tuple[str, str | None, str | None]]:
    return sorted(
        (d.title, d.url, d.section.code if d.section else None)
        for d in StudyDocument.query.filter_by(study_id=study.id)
    )


def test_import_stores_guidance_explanations_and_links(cli, write_file, db):
    result = cli("study", "import", write_file("guided.toml", FILE))
    assert result.exit_code == 0, result.output

    study = db.session.scalar(db.select(Study).filter_by(slug="guided"))
    assert study.sections[0].guidance == (
        'The worker and the individual **share** the work.\n\n- Decisions are made jointly: '
        '"together".'
    )
    assert study.sections[1].guidance == ""
    assert [i.explanation for i in study.items] == ["Both *own* it.\nSecond line.", "", ""]
    assert _documents(study) == [
        ("Network map template", "https://example.org/cpi/map", "S2"),
        ("The practice guidance in full", "https://example.org/cpi/guidance.pdf", None),
    ]
    assert all(d.kind is DocumentKind.LINK for d in StudyDocument.query)


def test_export_round_trips_guidance_explanations_and_links(cli, write_file, db):
    assert cli("study", "import", write_file("guided.toml", FILE)).exit_code == 0
    study = db.session.scalar(db.select(Study).filter_by(slug="guided"))
    attach_file(study, title="Uploaded sheet", filename="sheet.pdf", data=b"%PDF-1.7\n%%EOF\n")
    db.session.commit()

    exported = cli("study", "export", "guided").output
    parsed = tomllib.loads(exported)
    assert parsed["sections"][0]["guidance"].strip() == study.sections[0].guidance
    assert "# File not included: sheet.pdf, Uploaded sheet" in exported
    path = write_file("copy.toml", exported.replace('slug = "guided"', 'slug = "copy"'))
    result = cli("study", "import", path)
    assert result.exit_code == 0, result.output

    copy = db.session.scalar(db.select(Study).filter_by(slug="copy"))
    assert [s.guidance for s in copy.sections] == [s.guidance for s in study.sections]
    assert [(i.code, i.explanation) for i in copy.items] == \
        [(i.code, i.explanation) for i in study.items]
    # The links come back; the uploaded file stays with the first study only.
    assert _documents(copy) == [d for d in _documents(study) if d[0] != "Uploaded sheet"]


def test_bad_links_and_unknown_keys_are_reported_with_line_and_key(cli, write_file, row_counts):
    before = row_counts()
    bad = FILE.replace('url = "https://example.org/cpi/map"', 'url = "javascript:alert(1)"')
    bad = bad.replace('section = "S2"', 'section = "S9"\npages = 3')
    bad = bad.replace('title = "Mapping"\n', 'title = "Mapping"\nguidance = 5\n')

    result = cli("study", "import", write_file("bad.toml", bad))

    lines = bad.splitlines()
    assert result.exit_code != 0
    url_line = next(n for n, line in enumerate(lines, 1) if "javascript:" in line)
    assert f"bad.toml, line {url_line}, document 2 url: must be a web address starting with " \
        "https://" in result.output
    assert "document 2 section: found 'S9', expected the code of one of the file's sections" \
        in result.output
    assert "document 2 pages: unknown key 'pages'" in result.output
    assert "section 2 guidance: found 5, expected text in quotes" in result.output
    assert row_counts() == before
