"""Counting unknown personal links per client address, to slow down guessing.

Only unknown links are counted, and only they are refused past the limit: a panellist's valid
link opens whatever others tried from the same address (behind a proxy, or on one network,
many people share an address). The tokens' length, not this limit, is what makes guessing hopeless.
"""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import TooManyRequests

from delphi.extensions import limiter

UNKNOWN_LINK_LIMIT = "20/minute"
MESSAGE = (
    "Too many unknown links from this address. Wait a minute and check the link in your invitation."
)


def count_unknown_link() -> None:
    """Count one unknown link from the client's address; past the limit, answer 429."""
    if not (current_app.config["RATELIMIT_ENABLED"] and limiter.enabled):
        return
    if not limiter.limiter.hit(parse(UNKNOWN_LINK_LIMIT), "unknown-link", get_remote_address()):
        raise TooManyRequests(MESSAGE)
