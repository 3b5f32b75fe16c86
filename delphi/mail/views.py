"""Console page of a study's e-mail: the outbox, the send button, the texts, the dev files."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from delphi.auth.access import study_required
from delphi.extensions import db
from delphi.mail.forms import MessageTextsForm
from delphi.mail.outbox import STANDARD_TEXTS, render
from delphi.mail.sender import MailConfigError, dev_files, retry_failed, send_pending
from delphi.models import MessageStatus, OutboxMessage, Panellist, Round, Study
from delphi.panel.tokens import link_base
from delphi.rounds.lifecycle import current_round
from delphi.studies.operations import update_study

TEXT_FIELDS = ("invitation_subject", "invitation_body", "reminder_subject", "reminder_body")
OUTBOX_SHOWN = 200
# Each kind of message in words, for the outbox table.
KINDS = {
    "invitation": "Invitation to a round",
    "reminder": "Reminder",
    "deadline": "New deadline",
    "signup_confirm": "Sign-up: confirm your address",
    "signup_already": "Sign-up: already on the panel",
    "signup_welcome": "Sign-up: welcome to the panel",
    "signup_declined": "Sign-up: declined",
}
# Where the personal link goes in a preview: the address links start with, and a placeholder.
PREVIEW_LINK = "/p/(the panellist's personal link)"


def _preview(study: Study, form: MessageTextsForm) -> dict[str, str]:
    """The texts as a panellist would read them, filled for the study's first panellist."""
    sample = db.session.scalar(
        db.select(Panellist).filter_by(study_id=study.id).order_by(Panellist.id).limit(1)
    )
    latest = current_round(study)
    # Transient objects, never added to the session: they only fill the placeholders.
    panellist = Panellist(name=sample.name if sample and sample.name else "Alex Example")
    round_ = Round(
        number=latest.number if latest else 1, closes_at=latest.closes_at if latest else None
    )
    texts = {key: form[key].data or STANDARD_TEXTS[key] for key in TEXT_FIELDS}
    return {
        key: render(text, study=study, round_=round_, panellist=panellist).replace(
            "{link}", link_base() + PREVIEW_LINK
        )
        for key, text in texts.items()
    }


def _page(study: Study, form: MessageTextsForm | None = None, status: int = 200):
    # Each text starts from the study's own, else the standard text, ready to be tweaked.
    form = form or MessageTextsForm(
        data={key: getattr(study, key) or STANDARD_TEXTS[key] for key in TEXT_FIELDS}
    )
    outbox = db.session.scalars(
        db.select(OutboxMessage)
        .filter_by(study_id=study.id)
        .order_by(OutboxMessage.id.desc())
        .limit(OUTBOX_SHOWN)
    ).all()
    counts = dict(
        db.session.execute(
            db.select(OutboxMessage.status, db.func.count())
            .filter_by(study_id=study.id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "console/messages.html",
        study=study,
        outbox=outbox,
        form=form,
        counts={status: counts.get(status, 0) for status in MessageStatus},
        preview=_preview(study, form),
        smtp=bool(current_app.config["MAIL_HOST"]),
        files=[] if current_app.config["MAIL_HOST"] else dev_files(study),
        shown=OUTBOX_SHOWN,
        kinds=KINDS,
        MessageStatus=MessageStatus,
    ), status


@study_required
def messages(study: Study):
    return _page(study)


@study_required
def send(study: Study):
    """Send the study's pending messages now, rather than waiting for ``delphi tick``."""
    try:
        report = send_pending(study=study)
    except MailConfigError as error:
        flash(f"Nothing sent: {error}", "error")
    else:
        flash(
            f"Messages: {report.describe()}",
            "error" if report.retrying or report.failed else "info",
        )
    return redirect(url_for("mail.messages", slug=study.slug))


@study_required
def retry(study: Study):
    """Queue the study's failed messages again, after the team has dealt with the cause."""
    count = retry_failed(study, by=current_user)
    db.session.commit()
    flash(
        f"{count} failed message{'s' if count != 1 else ''} queued again; "
        "they go out with the next send."
        if count
        else "No failed messages to queue again.",
        "info",
    )
    return redirect(url_for("mail.messages", slug=study.slug))


@study_required
def texts(study: Study):
    """Save the invitation and reminder texts, or with "preview" only show them filled in."""
    form = MessageTextsForm()
    if not form.validate_on_submit():
        return _page(study, form, status=400)
    if request.form.get("action") == "preview":
        return _page(study, form)
    texts = {key: _own_text(key, form[key].data) for key in TEXT_FIELDS}
    update_study(study, texts, by=current_user)
    db.session.commit()
    flash("Message texts saved.", "info")
    return redirect(url_for("mail.messages", slug=study.slug, _anchor="texts"))


def _own_text(key: str, text: str | None) -> str | None:
    """The study's own text as typed, or None (the standard text, which follows later
    versions of the app) when it is empty or the standard text unchanged."""
    text = (text or "").replace("\r\n", "\n").strip()
    return None if text in ("", STANDARD_TEXTS[key].strip()) else text


@study_required
def dev_file(study: Study, name: str):
    """One message written to a file because no SMTP server is configured."""
    path = next((p for p in dev_files(study) if p.name == name), None)
    if path is None:
        abort(404)
    return render_template(
        "console/dev_file.html", study=study, name=name, text=path.read_text(errors="replace")
    )
