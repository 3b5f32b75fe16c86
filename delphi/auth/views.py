"""Signing in and out, and the administrators' page of staff accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from delphi.auth.access import admin_required
from delphi.auth.accounts import (
    authenticate,
    create_staff,
    set_assignments,
    sign_out,
    sign_out_everywhere,
    update_staff,
)
from delphi.auth.forms import LoginForm, LogoutForm, StaffCreateForm, StaffEditForm
from delphi.extensions import db, limiter
from delphi.models import Role, StaffUser, Study, utcnow
from delphi.page_actions import carry_out

# Failed sign-ins: per e-mail tried from one address (guessing one password), and per address
# whatever the e-mail (trying one password on many accounts).
FAILED_LOGIN_LIMIT = "5/minute"
FAILED_LOGIN_ADDRESS_LIMIT = "20/minute"


def _failed(response) -> bool:
    return response.status_code != 302


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: never redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_key() -> str:
    """Failed sign-ins are counted per address and per e-mail tried."""
    email = request.form.get("email", "").strip().lower()[:320]
    return f"{get_remote_address()}|{email}"


@limiter.limit(
    FAILED_LOGIN_LIMIT,
    key_func=_login_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message="Too many failed sign-in attempts. Wait a minute and try again.",
)
@limiter.limit(
    FAILED_LOGIN_ADDRESS_LIMIT,
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_failed,
    error_message="Too many failed sign-in attempts from this address. Wait a minute "
    "and try again.",
)
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(target or url_for("console.index"))
        flash("The e-mail or password is not right, or the account is disabled.", "error")
    return render_template("auth/login.html", form=form, next=target)


def logout():
    """Sign out; the session cookie, wherever a copy of it is, no longer opens anything."""
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            sign_out(current_user)
            db.session.commit()
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@login_required
def logout_everywhere():
    """Sign out on every device and browser where this account is signed in."""
    if not LogoutForm().validate_on_submit():
        return redirect(url_for("console.index"))
    sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out everywhere: every device must sign in again.", "info")
    return redirect(url_for("auth.login"))


@admin_required
def staff():
    form = StaffCreateForm()
    if form.validate_on_submit():
        redirected = carry_out(
            lambda: create_staff(
                form.email.data,
                role=Role(form.role.data),
                name=form.name.data or "",
                password=form.password.data,
                by=current_user,
            ),
            done=lambda user: f"Account {user.email} created.",
            to=lambda user: url_for("auth.staff_edit", staff_id=user.id),
            form=form,
            field="email",
        )
        if redirected:
            return redirected
    users = db.session.scalars(db.select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("auth/staff.html", form=form, users=users)


@admin_required
def staff_edit(staff_id: int):
    user = db.session.get(StaffUser, staff_id) or abort(404)
    studies = db.session.scalars(db.select(Study).order_by(Study.title)).all()
    form = StaffEditForm(
        account_email=user.email,
        study_choices=[SelectChoice(str(s.id), f"{s.title} ({s.slug})") for s in studies],
        data={
            "name": user.name,
            "role": user.role.value,
            "enabled": user.is_enabled,
            "studies": [s.id for s in user.studies],
        },
    )
    if form.validate_on_submit():
        chosen = set(form.studies.data or [])

        def save() -> None:
            update_staff(
                user,
                name=form.name.data or "",
                role=Role(form.role.data),
                enabled=form.enabled.data,
                password=form.password.data or None,
                by=current_user,
            )
            set_assignments(user, [s for s in studies if s.id in chosen], by=current_user)

        def saved(_: None) -> str:
            if user.id == current_user.id:
                login_user(user)  # a new password ended the other sessions, not this one
            return f"Account {user.email} saved."

        redirected = carry_out(
            save,
            done=saved,
            to=url_for("auth.staff_edit", staff_id=user.id),
            form=form,
            field="role",
        )
        if redirected:
            return redirected
    return render_template("auth/staff_edit.html", form=form, user=user)


def logout_form():
    """Every staff page's header carries the sign-out button and its CSRF token."""
    if current_user and current_user.is_authenticated:
        return {"logout_form": LogoutForm()}
    return {}
