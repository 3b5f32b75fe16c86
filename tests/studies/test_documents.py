"""The study's documents: attached on the Documents page (files checked by their content, links
by their scheme), audited, and opened only by the study's panellists and staff. Also the
section's guidance (with its preview) and the item's explanation on their console forms, and the
explanation column of an items import, which is stored."""
from __future__ import annotations

import io
import zipfile

import pytest

from delphi.models import AuditEvent, Item, StudyDocument
from delphi.panel.operations import withdraw
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round
from delphi.studies.documents import DocumentRefused, attach_file, check_file
from tests.support.html_safety import ATTACKS, unsafe_markup

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def _upload(client, slug, data: bytes, name: str, title="Guide", section="0"):
    return client.post(f"/console/studies/{slug}/documents", data={
        "document-title": title, "document-section": section,
        "document-file": (io.BytesIO(data), name)})


def _stored(db) -> list[tuple[str, str | None, str | None, int]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        db.select(StudyDocument.title, StudyDocument.filename, StudyDocument.content_type,
                  StudyDocument.size).order_by(StudyDocument.id))]


@pytest.mark.parametrize("name, data, content_type", [
    ("guide.pdf", PDF, "application/pdf"),
    ("Guide Final.DOCX", DOCX, DOCX_TYPE),
    ("guide.odt", ODT, "application/vnd.oasis.opendocument.text"),
])
def test_a_pdf_docx_or_odt_is_attached_and_served_as_itself(db, client, login_as, make_study,
                                                             name, data, content_type):
    study = make_study()
    login_as("coordinator", studies=[study])

    response = _upload(client, study.slug, data, name)

    assert response.status_code == 302
    assert _stored(db) == [("Guide", name, content_type, len(data))]
    page = client.get(f"/console/studies/{study.slug}/documents").get_data(as_text=True)
    assert "Guide" in page and name in page
    document = db.session.scalar(db.select(StudyDocument))
    download = client.get(f"/console/studies/{study.slug}/documents/{document.id}")
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"] == content_type
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="document.add"))
    assert event.target == "Guide" and event.after["file"] == name


@pytest.mark.parametrize("name, data, message", [
    ("guide.pdf", b"<!doctype html><script>alert(1)</script>",
     "guide.pdf is named like a PDF document but its content is not one"),
    ("letter.docx", PDF, "letter.docx is named like a Word document (.docx) but holds a PDF "
                         "document; rename it to end .pdf"),
    ("notes.odt", _zip({"content.xml": b"<x/>"}),
     "notes.odt is named like an OpenDocument text (.odt) but its content is not one"),
    ("page.html", b"<html></html>", "page.html: only PDF, Word (.docx) or OpenDocument text "
                                    "(.odt) files can be attached; this one ends .html"),
])
def test_a_file_is_checked_by_its_content_and_refused_naming_it(db, client, login_as, make_study,
                                                                name, data, message):
    study = make_study()
    login_as("coordinator", studies=[study])

    response = _upload(client, study.slug, data, name)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert _stored(db) == []
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="document.add")) is None


def test_a_file_over_10_mb_is_refused_naming_it():
    # Checked on the operation's own check: a request this size would be written to a temporary
    # file by the test client. 10 MB is 10 * 1024 * 1024 bytes; one more is too many.
    check_file(b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5), "fits.pdf")
    with pytest.raises(DocumentRefused, match="big.pdf is 10.0 MB; a document may be at most "
                                              "10 MB"):
        check_file(b"%PDF-" + b"0" * (10 * 1024 * 1024 - 4), "big.pdf")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "ftp://x.org/a",
                                 "https://exa mple.org"])
def test_a_link_must_be_http_or_https(db, client, login_as, make_study, url):
    study = make_study()
    login_as("coordinator", studies=[study])

    response = client.post(f"/console/studies/{study.slug}/documents", data={
        "document-title": "Elsewhere", "document-section": "0", "document-url": url})

    assert response.status_code == 400
    assert "Address: must" in response.get_data(as_text=True)
    assert _stored(db) == []


def test_a_link_to_a_section_is_attached_and_deleting_it_is_audited(db, client, login_as,
                                                                    make_study):
    study = make_study()
    login_as("coordinator", studies=[study])
    section = study.sections[1]

    client.post(f"/console/studies/{study.slug}/documents", data={
        "document-title": "Map template", "document-section": str(section.id),
        "document-url": "https://example.org/map"})
    document = db.session.scalar(db.select(StudyDocument))
    assert (document.section_id, document.url) == (section.id, "https://example.org/map")
    deleted = client.post(f"/console/studies/{study.slug}/documents/{document.id}/delete")

    assert deleted.status_code == 302
    assert _stored(db) == []
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="document.delete"))
    assert event.before == {"for": f"section {section.code}", "file": None,
                            "url": "https://example.org/map"}


@pytest.fixture
def two_studies(db, make_study, make_panel):
    """Study A with a file attached and round 1 open, study B likewise; one panellist each."""
    found = {}
    for name in ("a", "b"):
        study = make_study(slug=f"study-{name}")
        (panellist,) = make_panel(study, n=1)
        open_round(study)
        document = attach_file(study, title=f"Sheet {name}", filename=f"{name}.pdf",
                               data=PDF + name.encode())
        found[name] = (study, panellist, document)
    db.session.commit()
    return found


def test_only_the_studys_panellists_and_staff_open_its_documents(app, db, client, login_as,
                                                                  two_studies):
    study, panellist, document = two_studies["a"]
    _, other_panellist, _ = two_studies["b"]
    mine = f"/p/{token_for(panellist)}/documents/{document.id}"
    theirs = f"/p/{token_for(other_panellist)}/documents/{document.id}"
    forged = f"/p/{token_for(panellist)[:-4]}XXXX/documents/{document.id}"
    staff_url = f"/console/studies/{study.slug}/documents/{document.id}"

    # The study's own panellist, through their personal link.
    own = app.test_client().get(mine)
    assert own.status_code == 200 and own.data == PDF + b"a"
    assert own.headers["Content-Type"] == "application/pdf"
    assert own.headers["Content-Disposition"] == "attachment; filename=a.pdf"
    assert own.headers["Cache-Control"] == "no-store"
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    # Another study's panellist, asking with their own valid link: not found.
    other = app.test_client().get(theirs)
    assert other.status_code == 404 and PDF not in other.data
    # Staff of another study: not found; the study's own staff: the file. Each request has its
    # own app context, as in production (the one of the 404 page above remembers no one).
    login_as("coordinator", studies=[two_studies["b"][0]], email="other@example.org")
    with app.app_context():
        assert client.get(staff_url).status_code == 404
    login_as("coordinator", studies=[study], email="own@example.org")
    with app.app_context():
        assert client.get(staff_url).data == PDF + b"a"
    # A forged link; an anonymous visitor to the staff address is sent to sign in.
    assert app.test_client().get(forged).status_code == 404
    anonymous = app.test_client().get(staff_url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_withdrawn_panellist_no_longer_opens_documents(db, client, two_studies):
    _, panellist, document = two_studies["a"]
    withdraw(panellist)
    db.session.commit()

    response = client.get(f"/p/{token_for(panellist)}/documents/{document.id}")

    assert response.status_code == 403
    assert PDF not in response.data


def test_the_section_form_saves_guidance_and_previews_it_unsaved(db, client, login_as,
                                                                 make_study):
    study = make_study()
    login_as("coordinator", studies=[study])
    section = study.sections[0]
    url = f"/console/studies/{study.slug}/sections/{section.id}"
    form = {"code": section.code, "title": section.title, "guidance": "Work **together**."}

    preview = client.post(url, data=form | {"action": "preview"})
    db.session.expire_all()
    assert preview.status_code == 200
    assert "Work <strong>together</strong>." in preview.get_data(as_text=True)
    assert section.guidance == ""

    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert section.guidance == "Work **together**."
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="section.update"))
    assert event.after["guidance"] == "Work **together**."


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_guidance_preview_is_sanitised(db, client, login_as, make_study, attack):
    study = make_study()
    login_as("coordinator", studies=[study])
    section = study.sections[0]

    preview = client.post(f"/console/studies/{study.slug}/sections/{section.id}", data={
        "code": section.code, "title": section.title, "action": "preview",
        "guidance": f"Preview text.\n\n{ATTACKS[attack]}"})

    page = preview.get_data(as_text=True)
    assert "Preview text." in page
    assert unsafe_markup(page) == []


def test_the_item_form_saves_an_explanation_even_once_the_item_was_shown(db, client, login_as,
                                                                         make_study, make_panel):
    study = make_study()
    login_as("coordinator", studies=[study])
    item = study.sections[0].items[0]
    edit = f"/console/studies/{study.slug}/items/{item.id}"

    saved = client.post(edit, data={"section": item.section_id, "code": item.code,
                                    "text": item.text, "explanation": "Why it *matters*."})
    assert saved.status_code == 302
    db.session.expire_all()
    assert item.explanation == "Why it *matters*."

    make_panel(study, n=1)
    open_round(study)
    db.session.commit()
    page = client.get(edit).get_data(as_text=True)
    assert "Why it <em>matters</em>." in page and "Save explanation" in page
    changed = client.post(edit, data={"explanation": "Changed."})
    assert changed.status_code == 302
    db.session.expire_all()
    assert (item.text, item.explanation) == ("Guidance item 1.1.", "Changed.")


def test_an_items_import_stores_the_explanations(db, client, login_as, make_study):
    study = make_study()
    login_as("coordinator", studies=[study])
    rows = ("section,code,text,explanation\n"
            "S1,S1.9,Decisions are made jointly.,Both take **responsibility**.\n"
            "S1,S1.10,No explanation.,\n")

    response = client.post(f"/console/studies/{study.slug}/items/import",
                           data={"items-pasted": rows})

    assert response.status_code == 302
    db.session.expire_all()
    stored = dict(db.session.execute(
        db.select(Item.code, Item.explanation).where(Item.code.in_(["S1.9", "S1.10"]))).all())
    assert stored == {"S1.9": "Both take **responsibility**.", "S1.10": ""}


def test_the_review_page_shows_an_items_explanation_under_its_wording(db, client, login_as,
                                                                      make_study, make_panel,
                                                                      submit):
    from delphi.rounds.lifecycle import close_round

    study = make_study()
    item = study.sections[0].items[0]
    item.explanation = "Read this as *the first meeting*, not the whole work."
    panel = make_panel(study, n=3)
    round_ = open_round(study)
    for k, panellist in enumerate(panel):
        submit(round_, panellist, {ri.code: k + 5 for ri in round_.round_items})
    close_round(round_)
    login_as("coordinator", studies=[study])

    page = client.get(f"/console/studies/{study.slug}/rounds/1/review").get_data(as_text=True)

    wording = page.index(item.text)
    explanation = page.index("Read this as <em>the first meeting</em>, not the whole work.")
    assert wording < explanation < page.index(study.sections[0].items[1].text)
