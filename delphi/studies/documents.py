"""Documents a study attaches for its panellists: files (PDF, Word .docx, OpenDocument .odt)
kept in the database, so every backup holds them, and links to pages elsewhere.

A file is accepted by what it holds, not by its name: a PDF begins ``%PDF-``; a .docx is a ZIP
archive with ``[Content_Types].xml`` and ``word/document.xml``; an .odt is a ZIP archive whose
``mimetype`` entry says ``application/vnd.oasis.opendocument.text``. The name's extension must
agree with the content. Each operation records an audit event and flushes; the view commits.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from delphi import audit
from delphi.extensions import db
from delphi.importing import MAX_FILE_BYTES
from delphi.models import DocumentKind, Section, StaffUser, Study, StudyDocument
from delphi.refusal import Refused
from delphi.studies.locks import require_not_complete
from delphi.validation import TITLE_MAX_LENGTH, header_problem, link_problem, text_problem

DOCUMENT_MAX_BYTES = MAX_FILE_BYTES  # 10 MB, under the request limit (MAX_CONTENT_LENGTH)
FILENAME_MAX_LENGTH = 255


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    name: str  # in words, for messages


PDF = DocumentType(".pdf", "application/pdf", "a PDF document")
DOCX = DocumentType(
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "a Word document (.docx)",
)
ODT = DocumentType(".odt", "application/vnd.oasis.opendocument.text", "an OpenDocument text (.odt)")
TYPES = {t.extension: t for t in (PDF, DOCX, ODT)}
ACCEPTED = "PDF, Word (.docx) or OpenDocument text (.odt)"


class DocumentRefused(Refused):
    """A document cannot be attached; the message names the file and says why."""


def document_type(data: bytes) -> DocumentType | None:
    """The type the content shows, or None when it is none of the accepted ones."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.read("mimetype").strip() == ODT.content_type.encode()
            ):
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def check_file(data: bytes, filename: str) -> DocumentType:
    """The file's type, or DocumentRefused naming the file and what is wrong with it."""
    extension = PurePath(filename).suffix.lower()
    if extension not in TYPES:
        raise DocumentRefused(
            f"{filename}: only {ACCEPTED} files can be attached; this one ends "
            f"{extension or 'without an extension'}.",
            "file",
        )
    if not data:
        raise DocumentRefused(f"{filename} is empty.", "file")
    if len(data) > DOCUMENT_MAX_BYTES:
        raise DocumentRefused(
            f"{filename} is {len(data) / 1024 / 1024:.1f} MB; a document may be at most "
            f"{DOCUMENT_MAX_BYTES // 1024 // 1024} MB.",
            "file",
        )
    found = document_type(data)
    expected = TYPES[extension]
    if found is None:
        raise DocumentRefused(
            f"{filename} is named like {expected.name} but its content is not one: only "
            f"{ACCEPTED} files can be attached. Save it again from its program and upload that.",
            "file",
        )
    if found is not expected:
        raise DocumentRefused(
            f"{filename} is named like {expected.name} but holds {found.name}; rename it "
            f"to end {found.extension}.",
            "file",
        )
    return found


def _safe_filename(filename: str) -> str:
    """The name without folders, cut to fit; what downloads are called."""
    name = PurePath(filename.replace("\\", "/")).name.strip() or "document"
    return name[-FILENAME_MAX_LENGTH:]


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise DocumentRefused("Give the document a title panellists will recognise.", "title")
    if problem := header_problem(title, max_length=TITLE_MAX_LENGTH):
        raise DocumentRefused(f"Title: {problem}", "title")
    return title


def _where(document: StudyDocument) -> str:
    return f"section {document.section.code}" if document.section is not None else "study"


def attach_file(
    study: Study,
    *,
    title: str,
    filename: str,
    data: bytes,
    section: Section | None = None,
    by: StaffUser | None = None,
) -> StudyDocument:
    """Attach an uploaded file to the study, or to one of its sections."""
    require_not_complete(study, "its documents", error=DocumentRefused)
    name = _safe_filename(filename)
    if problem := text_problem(name, max_length=FILENAME_MAX_LENGTH):
        raise DocumentRefused(f"The file name {problem}", "file")
    kind = check_file(data, name)
    document = StudyDocument(
        study=study,
        section=section,
        kind=DocumentKind.FILE,
        title=_check_title(title),
        filename=name,
        content_type=kind.content_type,
        size=len(data),
        content=data,
    )
    return _added(document, by, {"file": name, "bytes": len(data)})


def attach_link(
    study: Study,
    *,
    title: str,
    url: str,
    section: Section | None = None,
    by: StaffUser | None = None,
) -> StudyDocument:
    """Attach a link to a page or document elsewhere (http or https only)."""
    require_not_complete(study, "its documents", error=DocumentRefused)
    url = url.strip()
    if problem := link_problem(url):
        raise DocumentRefused(f"Address: {problem}", "url")
    document = StudyDocument(
        study=study, section=section, kind=DocumentKind.LINK, title=_check_title(title), url=url
    )
    return _added(document, by, {"url": url})


def _added(document: StudyDocument, by: StaffUser | None, details: dict) -> StudyDocument:
    if document.section is not None and document.section.study_id != document.study.id:
        raise DocumentRefused("The section belongs to another study.", "section")
    db.session.add(document)
    db.session.flush()
    audit.record(
        "document.add",
        study=document.study,
        by=by,
        target=document.title,
        after={"for": _where(document), **details},
    )
    return document


def remove_document(document: StudyDocument, *, by: StaffUser | None = None) -> None:
    """Delete a document; the audit trail keeps its title and where it was attached."""
    require_not_complete(document.study, "its documents", error=DocumentRefused)
    audit.record(
        "document.delete",
        study=document.study,
        by=by,
        target=document.title,
        before={"for": _where(document), "file": document.filename, "url": document.url},
    )
    db.session.delete(document)
    db.session.flush()


# Built once, as every panellist page runs it (see ``documents_of``).
_DOCUMENTS = (
    db.select(StudyDocument)
    .where(StudyDocument.study_id == db.bindparam("study_id"))
    .order_by(StudyDocument.section_id.is_not(None), StudyDocument.section_id, StudyDocument.id)
)


def documents_of(study: Study) -> list[StudyDocument]:
    """The study's documents, the study's own first, then by section, oldest first (without
    reading the files). Its statement is built once: a statement object keeps its cache key, so
    running it again skips building and hashing it."""
    return list(db.session.scalars(_DOCUMENTS, {"study_id": study.id}))


def document_of(study: Study, document_id: int) -> StudyDocument | None:
    """One of the study's documents; None for another study's, whatever the id."""
    return db.session.scalar(db.select(StudyDocument).filter_by(id=document_id, study_id=study.id))
