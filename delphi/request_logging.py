"""Keep personal links out of the logs.

A panellist's token is their only credential, and request logs print paths. ``redact`` replaces
the token in ``/p/<token>`` with ``[redacted]``; ``RedactTokens`` applies it to every record of
the loggers it is attached to (werkzeug's request log and the app's own log); ``gunicorn.conf.py``
uses ``redact`` for gunicorn's access log.
"""
from __future__ import annotations

import logging
import re

_LINK = re.compile(r"/p/[^/?#\s\"']+")
REDACTED = "/p/[redacted]"


def redact(text: str) -> str:
    """``text`` with the token of every personal-link path replaced."""
    return _LINK.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrite a record's message with personal-link tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/p/" in message:
            record.msg, record.args = redact(message), None
        return True


def install(*logger_names: str) -> None:
    """Attach the filter to the named loggers, once each."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
