"""A fresh rate limiter for every app a test builds.

Flask-Limiter's ``limiter`` is one object shared by every app in the process: its on/off switch
and its storage are those of whichever app called ``init_app`` last. Without a reset, counts from
one test (or a production-settings app built directly by another test) carry into the next.
"""
from __future__ import annotations

from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from delphi.extensions import limiter


def fresh_limiter(app) -> None:
    """Switch the shared limiter on or off as ``app`` is configured, with empty memory storage."""
    limiter.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    limiter._storage = MemoryStorage()
    limiter._limiter = FixedWindowRateLimiter(limiter._storage)
    limiter._storage_dead = False
