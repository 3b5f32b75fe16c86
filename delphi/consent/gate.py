"""The gate before a panellist's first answer: consent to the sheet in force, then the
background questions. Every answering page of the questionnaire passes through it."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from sqlalchemy.orm import aliased

from delphi.consent.operations import sheet_asks
from delphi.extensions import db
from delphi.models import (
    BackgroundAnswer,
    BackgroundQuestion,
    ConsentEvent,
    ConsentEventKind,
    ConsentVersion,
    Panellist,
)

_STUDY, _PANELLIST = db.bindparam("study_id"), db.bindparam("panellist_id")


def _latest_version(column):
    """A column of the study's consent version in force (its latest)."""
    return (
        db.select(column)
        .where(ConsentVersion.study_id == _STUDY)
        .order_by(ConsentVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )


# The version a consent event was about, apart from the versions a statement counts.
_AGREED = aliased(ConsentVersion)


def _last_consent(column):
    """A column of the panellist's latest consent event or of ``_AGREED``, its version."""
    return (
        db.select(column)
        .select_from(ConsentEvent)
        .join(_AGREED, ConsentEvent.version_id == _AGREED.id)
        .where(ConsentEvent.panellist_id == _PANELLIST)
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


# What the gate decides on, in one statement built once: the same facts ``consent_needed`` and
# ``background_pending`` read in two to five, on a page every answer passes through.
_GATE = db.select(
    _latest_version(ConsentVersion.sheet).label("sheet"),
    _latest_version(ConsentVersion.statements).label("statements"),
    _last_consent(ConsentEvent.kind).label("kind"),
    db.select(db.func.count(ConsentVersion.id))
    .where(
        ConsentVersion.study_id == _STUDY,
        ConsentVersion.number > _last_consent(_AGREED.number),
        ConsentVersion.reconsent.is_(True),
    )
    .scalar_subquery()
    .label("later"),
    db.exists().where(BackgroundQuestion.study_id == _STUDY).label("has_questions"),
    db.exists().where(BackgroundAnswer.panellist_id == _PANELLIST).label("answered"),
)


def gate_for(panellist: Panellist) -> str | None:
    """Where the panellist must go before answering: "consent" while the study asks for
    consent to a sheet they have not agreed to (or a later one asks everyone again),
    "background" while it has questions they have not been asked, else None. The same
    decisions as ``consent_needed`` and ``background_pending``."""
    facts = db.session.execute(
        _GATE, {"study_id": panellist.study_id, "panellist_id": panellist.id}
    ).one()
    asks = facts.sheet is not None and sheet_asks(facts.sheet, facts.statements)
    if asks and (facts.kind is not ConsentEventKind.CONSENTED or facts.later):
        return "consent"
    if facts.has_questions and not facts.answered:
        return "background"
    return None


def before_answering(panellist: Panellist, token: str):
    """The consent or background page a panellist must go through before answering, or None.

    A page is sent there; an answer posted before consent is refused with nothing saved."""
    gate = gate_for(panellist)
    if gate == "consent":
        target, words = "questionnaire.consent", "agree to the information sheet"
    elif gate == "background":
        target, words = "questionnaire.background", "answer the questions about you"
    else:
        return None
    if request.method == "GET":
        return redirect(url_for(target, token=token))
    db.session.rollback()
    message = f"Nothing was saved: please {words} before answering."
    if request.path.endswith("/autosave"):
        return jsonify(status="error", message=message), 403
    return render_template("questionnaire/bad_request.html", message=message), 403
