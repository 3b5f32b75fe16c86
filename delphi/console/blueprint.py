"""Every URL of the research team console, in one place.

Study pages live under ``/console/studies/<slug>/``; ``study_required`` turns the slug into the
study the signed-in staff member may access (404 otherwise). Buttons that change something are
POSTs, checked for CSRF by the app-wide CSRFProtect.
"""
from __future__ import annotations

from flask import Blueprint

from delphi.audit import views as audit
from delphi.console.navigation import study_nav
from delphi.mail import views as messages
from delphi.panel import views as panel
from delphi.routing import BOTH, GET, POST, add_rules
from delphi.studies import admin
from delphi.studies import content_views as content
from delphi.studies import views as studies

blueprint = Blueprint("console", __name__, url_prefix="/console")
blueprint.add_app_template_global(study_nav, "study_nav")

S = "/studies/<slug>"

RULES = [
    ("/", "index", studies.index, GET),
    ("/studies/new", "new_study", studies.new_study, BOTH),
    ("/studies/import", "import_study", studies.import_study, BOTH),
    (f"{S}/setup", "setup", studies.setup, BOTH),
    (f"{S}/export", "export_study", studies.export_study, GET),
    (f"{S}/reopen", "reopen_study", admin.reopen, BOTH),  # administrators only
    (f"{S}/delete", "delete_study", admin.delete, BOTH),  # administrators only
    (f"{S}/content", "content", content.content, GET),
    (f"{S}/sections", "new_section", content.new_section, POST),
    (f"{S}/sections/<int:section_id>", "edit_section", content.edit_section, BOTH),
    (f"{S}/sections/<int:section_id>/move", "move_section", content.move_section_view, POST),
    (f"{S}/items", "new_item", content.new_item, POST),
    (f"{S}/items/import", "import_items", content.import_items_view, POST),
    (f"{S}/items/<int:item_id>", "edit_item", content.edit_item, BOTH),
    (f"{S}/items/<int:item_id>/move", "move_item", content.move_item_view, POST),
    (f"{S}/items/<int:item_id>/retire", "retire_item", content.retire_item, POST),
    (f"{S}/panel", "panel", panel.panel, GET),
    (f"{S}/panel/import", "import_panel", panel.import_panel_view, POST),
    (f"{S}/panel/links.csv", "panel_links", panel.links_csv, POST),
    (f"{S}/panel/new", "new_panellist", panel.new_panellist, BOTH),
    (f"{S}/panel/<int:panellist_id>", "edit_panellist", panel.edit_panellist, BOTH),
    (f"{S}/panel/<int:panellist_id>/withdraw", "withdraw", panel.withdraw_panellist, POST),
    (f"{S}/panel/<int:panellist_id>/reinstate", "reinstate", panel.reinstate_panellist, POST),
    (f"{S}/panel/<int:panellist_id>/link", "link", panel.link, GET),
    (f"{S}/panel/<int:panellist_id>/link", "regenerate", panel.regenerate, POST),
    (f"{S}/messages", "messages", messages.messages, GET),
    (f"{S}/messages/send", "send", messages.send, POST),
    (f"{S}/messages/retry", "retry_mail", messages.retry, POST),
    (f"{S}/messages/texts", "texts", messages.texts, POST),
    (f"{S}/messages/files/<name>", "dev_file", messages.dev_file, GET),
    (f"{S}/audit", "audit", audit.audit, GET),
]

add_rules(blueprint, RULES)
