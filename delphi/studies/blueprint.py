"""Every URL of a study's set-up: creating or importing it, its settings, sections and items.

Study pages live under ``/console/studies/<slug>/``; ``study_required`` turns the slug into the
study the signed-in staff member may access (404 otherwise). Buttons that change something are
POSTs, checked for CSRF by the app-wide CSRFProtect.
"""

from __future__ import annotations

from flask import Blueprint

from delphi.routing import BOTH, GET, POST, add_rules
from delphi.studies import admin, content_views, document_views, views

blueprint = Blueprint("studies", __name__, url_prefix="/console")

S = "/studies/<slug>"
SECTION = f"{S}/sections/<int:section_id>"
ITEM = f"{S}/items/<int:item_id>"
DOCUMENT = f"{S}/documents/<int:document_id>"

RULES = [
    ("/studies/new", "new_study", views.new_study, BOTH),
    ("/studies/import", "import_study", views.import_study, BOTH),
    (f"{S}/setup", "setup", views.setup, BOTH),
    (f"{S}/protocol", "protocol", views.protocol, BOTH),
    (f"{S}/export", "export_study", views.export_study, GET),
    (f"{S}/reopen", "reopen_study", admin.reopen, BOTH),  # administrators only
    (f"{S}/delete", "delete_study", admin.delete, BOTH),  # administrators only
    (f"{S}/content", "content", content_views.content, GET),
    (f"{S}/sections", "new_section", content_views.new_section, POST),
    (SECTION, "edit_section", content_views.edit_section, BOTH),
    (f"{SECTION}/move", "move_section", content_views.move_section_view, POST),
    (f"{S}/items", "new_item", content_views.new_item, POST),
    (f"{S}/items/import", "import_items", content_views.import_items_view, POST),
    (ITEM, "edit_item", content_views.edit_item, BOTH),
    (f"{ITEM}/move", "move_item", content_views.move_item_view, POST),
    (f"{ITEM}/retire", "retire_item", content_views.retire_item, POST),
    (f"{S}/documents", "documents", document_views.documents, GET),
    (f"{S}/documents", "add_document", document_views.add_document, POST),
    (DOCUMENT, "download_document", document_views.download_document, GET),
    (f"{DOCUMENT}/delete", "delete_document", document_views.delete_document, POST),
]

add_rules(blueprint, RULES)
