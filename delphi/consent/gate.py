"""The gate before a panellist's first answer: consent to the sheet in force, then the
background questions. Every answering page of the questionnaire passes through it."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for

from delphi.consent.background import background_pending
from delphi.consent.operations import consent_needed
from delphi.extensions import db
from delphi.models import Panellist


def before_answering(panellist: Panellist, token: str):
    """The consent or background page a panellist must go through before answering, or None.

    A page is sent there; an answer posted before consent is refused with nothing saved."""
    if consent_needed(panellist) is not None:
        target, words = "questionnaire.consent", "agree to the information sheet"
    elif background_pending(panellist):
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
