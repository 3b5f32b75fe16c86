"""The console's Documents page of a study (attach files and links, delete them), and serving a
document's file, to the study's staff here and to its panellists through their personal link."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.datastructures import Headers

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.models import DocumentKind, Section, Study, StudyDocument
from delphi.page_actions import carry_out
from delphi.refusal import Refused
from delphi.studies.documents import (
    DOCUMENT_MAX_BYTES,
    attach_file,
    attach_link,
    document_of,
    documents_of,
    remove_document,
)
from delphi.studies.forms import DocumentForm


def _form(study: Study) -> DocumentForm:
    return DocumentForm(
        prefix="document",
        sections=[(str(s.id), f"Section {s.code}: {s.title}") for s in study.sections],
    )


def _page(study: Study, form: DocumentForm, status: int = 200):
    return render_template(
        "console/documents.html",
        study=study,
        documents=documents_of(study),
        form=form,
        max_megabytes=DOCUMENT_MAX_BYTES // 1024 // 1024,
    ), status


@study_required
def documents(study: Study):
    """Every document of the study, and the form to attach another."""
    return _page(study, _form(study))


@study_required
def add_document(study: Study):
    form = _form(study)
    if not form.validate_on_submit():
        return _page(study, form, 400)
    section = None
    if form.section.data:
        section = db.first_or_404(
            db.select(Section).filter_by(id=form.section.data, study_id=study.id)
        )

    def attach() -> StudyDocument:
        if form.file.data:
            upload = form.file.data
            data = upload.read()
            upload.close()  # a large upload is a temporary file: closed once read
            return attach_file(
                study,
                title=form.title.data,
                filename=upload.filename or "document",
                data=data,
                section=section,
                by=current_user,
            )
        return attach_link(
            study, title=form.title.data, url=form.url.data, section=section, by=current_user
        )

    redirected = carry_out(
        attach,
        done=lambda document: f"{document.title} attached.",
        to=url_for("studies.documents", slug=study.slug),
        form=form,
        field="file",
    )
    return redirected or _page(study, form, 400)


@study_required
def delete_document(study: Study, document_id: int):
    document = document_of(study, document_id)
    if document is None:
        abort(404)
    title = document.title

    def refused(error: Refused):
        flash(str(error), "error")
        return _page(study, _form(study), 409)

    return carry_out(
        lambda: remove_document(document, by=current_user),
        done=f"{title} deleted.",
        to=url_for("studies.documents", slug=study.slug),
        refused=refused,
    )


@study_required
def download_document(study: Study, document_id: int):
    """The file for the study's staff (a link document sends them to its address)."""
    return document_response(document_of(study, document_id))


def document_response(document: StudyDocument | None) -> Response:
    """A document's file as a download: its own type, never sniffed, never kept in a cache;
    a link document redirects to its address. 404 when there is none."""
    if document is None:
        abort(404)
    if document.kind is DocumentKind.LINK:
        assert document.url is not None
        return redirect(document.url)  # type: ignore[return-value]
    headers = Headers()
    headers.set("Content-Disposition", "attachment", filename=document.filename or "document")
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    return Response(document.content or b"", mimetype=document.content_type, headers=headers)
