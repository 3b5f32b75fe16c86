"""Confirmation links of sign-ups, made as personal links are: the token is derived from a
random nonce with the app's secret, the database holds the nonce and the token's SHA-256, and
the link is written into the e-mail only when it is sent. Confirming clears both, so a link
works once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

from delphi.extensions import db
from delphi.models import Signup
from delphi.panel.tokens import hash_token, link_base

_PURPOSE = b"delphi sign-up confirmation v1:"


def _token_from_nonce(nonce: str) -> str:
    key = hashlib.sha256(_PURPOSE + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_confirmation(signup: Signup) -> None:
    """Give the sign-up a new confirmation link; an earlier one stops working."""
    signup.token_nonce = secrets.token_urlsafe(16)
    signup.token_hash = hash_token(_token_from_nonce(signup.token_nonce))


def confirmation_link(signup: Signup) -> str | None:
    """The sign-up's confirmation link as a full URL, or None once it has been used."""
    if signup.token_nonce is None:
        return None
    return f"{link_base()}/signup/confirm/{_token_from_nonce(signup.token_nonce)}"


def find_signup(token: str) -> Signup | None:
    """The unconfirmed sign-up a confirmation token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(Signup).filter_by(token_hash=hash_token(token)))
