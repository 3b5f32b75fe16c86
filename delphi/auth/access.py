"""Access checks for staff pages: login, role, and assignment to the study."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from delphi.extensions import db, login_manager
from delphi.models import StaffUser, Study


@login_manager.user_loader
def load_staff(session_id: str) -> StaffUser | None:
    """The account a session or remember-me cookie names as ``<id>:<session_version>``, if that
    version is still the account's: signing out, a new password or role end older sessions."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def study_for_staff(slug: str, user: StaffUser) -> Study:
    """The study named by ``slug`` if the user may see it; 404 otherwise, so that a coordinator
    cannot even learn whether another team's study exists."""
    study = db.session.scalar(db.select(Study).filter_by(slug=slug))
    if study is None or not user.can_access(study):
        abort(404)
    return study


def study_required(view):
    """Log-in required; the ``slug`` URL argument becomes the ``study`` the user may access."""

    @wraps(view)
    @login_required
    def wrapper(*args, slug: str, **kwargs):
        return view(*args, study=study_for_staff(slug, current_user), **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"
