"""The demo study reads as the consultation it stands for: guidance text for every section,
explanations on some items, and an attached PDF overview that panellists can open."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from delphi.models import DocumentKind, Study, StudyDocument
from delphi.panel.tokens import token_for


@pytest.fixture
def demo(demo_loaded, db):
    return db.session.scalar(db.select(Study).filter_by(slug="cpi-guidance"))


def test_every_section_has_guidance_and_some_items_an_explanation(demo):
    assert all(len(section.guidance) > 200 for section in demo.sections)
    explained = [item.code for item in demo.items if item.explanation]
    assert len(explained) >= 5
    assert "S2.2" in explained


def test_the_overview_pdf_is_attached_and_opens_through_a_panellists_link(demo, db, client):
    document = db.session.scalar(db.select(StudyDocument).filter_by(study_id=demo.id))
    assert document.kind is DocumentKind.FILE and document.section_id is None
    panellist = demo.rounds[-1].responses[0].panellist

    response = client.get(f"/p/{token_for(panellist)}/documents/{document.id}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for section in demo.sections:
        assert section.title in text
