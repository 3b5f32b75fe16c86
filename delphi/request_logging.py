"""Keep personal links and sign-up confirmation links out of the logs.

A panellist's token is their only credential, and request logs print paths. ``redact`` replaces
the token in ``/p/<token>`` (and in ``/signup/confirm/<token>``) with ``[redacted]``, also where
the path is written another way that still reaches the page (``/p%2F<token>``, ``/%70/<token>``,
``//p//<token>``); ``RedactTokens``
applies it to every record of the loggers it is attached to (werkzeug's request log and the
app's own log); ``gunicorn.conf.py`` uses ``redact`` for gunicorn's access log.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

_LINK = re.compile(r"/+(p|signup/+confirm)/+[^/?#\s\"']+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
REDACTED = "/p/[redacted]"
# Percent-encoding undone at most this many times (a path encoded twice is still a link).
_DECODINGS = 4


def redact(text: str) -> str:
    """``text`` with the token of every personal-link path replaced.

    The server decodes a path before routing it, so ``/p%2F<token>`` opens the same page as
    ``/p/<token>`` while a log prints it encoded. A text that holds a link once decoded is
    logged decoded and redacted (control characters it decodes to are encoded again, so a path
    cannot write lines of its own into the log)."""
    decoded = _decoded(text)
    if decoded != text and _LINK.search(decoded):
        text = _CONTROL.sub(lambda match: f"%{ord(match.group()):02X}", decoded)
    return _LINK.sub(_redacted, text)


def _redacted(match: re.Match) -> str:
    return REDACTED if match.group(1).lower() == "p" else "/signup/confirm/[redacted]"


def _decoded(text: str) -> str:
    for _ in range(_DECODINGS):
        if "%" not in text:
            break
        text, before = unquote(text), text
        if text == before:
            break
    return text


class RedactTokens(logging.Filter):
    """Rewrite a record's message with personal-link tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install(*logger_names: str) -> None:
    """Attach the filter to the named loggers, once each."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
