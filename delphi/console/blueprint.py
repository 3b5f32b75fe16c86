"""The research team console's shell: the study index, and the study navigation every console
page carries. Each capability's pages are registered by its own blueprint module
(``delphi.studies``, ``delphi.panel``, ``delphi.mail``, ``delphi.rounds``, ``delphi.reports``,
``delphi.audit``).
"""

from __future__ import annotations

from flask import Blueprint

from delphi.console import index
from delphi.console.navigation import study_nav
from delphi.routing import GET, add_rules

blueprint = Blueprint("console", __name__, url_prefix="/console")
blueprint.add_app_template_global(study_nav, "study_nav")

RULES = [
    ("/", "index", index.index, GET),
]

add_rules(blueprint, RULES)
