"""Every URL of a study's panel pages: the list, imports, panellists and their links."""

from __future__ import annotations

from flask import Blueprint

from delphi.panel import views
from delphi.routing import BOTH, GET, POST, add_rules

blueprint = Blueprint("panel", __name__, url_prefix="/console/studies/<slug>/panel")

PANELLIST = "/<int:panellist_id>"

RULES = [
    ("", "panel", views.panel, GET),
    ("/import", "import_panel", views.import_panel_view, POST),
    ("/links.csv", "panel_links", views.links_csv, POST),
    ("/new", "new_panellist", views.new_panellist, BOTH),
    (PANELLIST, "edit_panellist", views.edit_panellist, BOTH),
    (f"{PANELLIST}/withdraw", "withdraw", views.withdraw_panellist, POST),
    (f"{PANELLIST}/reinstate", "reinstate", views.reinstate_panellist, POST),
    (f"{PANELLIST}/link", "link", views.link, GET),
    (f"{PANELLIST}/link", "regenerate", views.regenerate, POST),
]

add_rules(blueprint, RULES)
