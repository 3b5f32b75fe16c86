"""Console page of a study's audit trail: who did what, when, before and after."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy.orm import selectinload

from delphi.audit.labels import action_label, key_label, value_text
from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.models import AuditEvent, Study

PAGE_SIZE = 100
MAX_PAGE = 100_000


@study_required
def audit(study: Study):
    """The study's audit events, newest first, a page at a time, in the team's words."""
    # A page number past any study's trail is an empty page, not an overflow in the database.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    events = db.paginate(
        db.select(AuditEvent)
        .filter_by(study_id=study.id)
        .options(selectinload(AuditEvent.staff))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "console/audit.html",
        study=study,
        events=events,
        action_label=action_label,
        key_label=key_label,
        value_text=value_text,
    )
