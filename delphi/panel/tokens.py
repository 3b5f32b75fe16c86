"""Panellists' personal links.

A link's token is derived from a per-panellist random nonce (128 bits from ``secrets``) with an
HMAC keyed by the app's secret, so the research team can show or e-mail a link at any time while
the database holds only the nonce and the token's SHA-256. Regenerating the nonce invalidates the
old link. Changing ``SECRET_KEY`` changes every link. Links start with ``DELPHI_BASE_URL`` or,
when it is not set, the address the app is served at (``link_base``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from delphi.extensions import db
from delphi.models import Panellist

_PURPOSE = b"delphi panellist link v1:"
# Where links point without DELPHI_BASE_URL outside a request (the command line): the address
# ``make run`` serves on by default. Commands that print links warn when they use it.
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def _token_from_nonce(nonce: str) -> str:
    key = hashlib.sha256(_PURPOSE + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.digest(key, nonce.encode(), "sha256")  # one call in C: imports derive 20,000
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link() -> dict[str, str]:
    """A new personal link's columns (``token_nonce``, ``token_hash``), for a panellist written
    as a row rather than an object."""
    nonce = secrets.token_urlsafe(16)
    return {"token_nonce": nonce, "token_hash": hash_token(_token_from_nonce(nonce))}


def issue_token(panellist: Panellist) -> str:
    """Give the panellist a new personal link; any previous link stops working."""
    panellist.token_nonce = secrets.token_urlsafe(16)
    token = _token_from_nonce(panellist.token_nonce)
    panellist.token_hash = hash_token(token)
    return token


def token_for(panellist: Panellist) -> str:
    return _token_from_nonce(panellist.token_nonce)


def link_base() -> str:
    """The address personal links start with: ``DELPHI_BASE_URL`` when it is set; else, while
    serving a request, the address the app was reached at; else ``FALLBACK_BASE_URL``."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return FALLBACK_BASE_URL


def link_for(panellist: Panellist) -> str:
    """The panellist's personal link as a full URL."""
    return f"{link_base()}/p/{token_for(panellist)}"


# Built once, as every panellist page runs them: a statement object keeps its cache key, so
# running it again skips building and hashing it.
_BY_TOKEN_HASH = db.select(Panellist).where(Panellist.token_hash == bindparam("token_hash"))
_BY_TOKEN_HASH_WITH_STUDY = _BY_TOKEN_HASH.options(joinedload(Panellist.study))


def find_panellist(token: str, *, with_study: bool = False) -> Panellist | None:
    """The panellist a token belongs to, or None for an unknown or revoked token.

    ``with_study`` loads the panellist's study in the same query.
    """
    if not token or len(token) > 100:
        return None
    query = _BY_TOKEN_HASH_WITH_STUDY if with_study else _BY_TOKEN_HASH
    return db.session.scalar(query, {"token_hash": hash_token(token)})
