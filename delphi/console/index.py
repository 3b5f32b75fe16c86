"""The console's study index: the studies this staff member may run."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from delphi.extensions import db
from delphi.models import Study


@login_required
def index():
    """The studies this staff member may run."""
    if current_user.is_admin:
        studies = db.session.scalars(db.select(Study).order_by(Study.title)).all()
    else:
        studies = sorted(current_user.studies, key=lambda s: s.title)
    return render_template("console/index.html", studies=studies)
