"""Gunicorn settings for Delphi: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The access log is on, but every personal link's token is redacted from it: the token is a
panellist's only credential and must never reach a log file.
"""
from gunicorn.glogging import Logger

import config as delphi_config  # not "config": gunicorn would read it as its own setting
from delphi.request_logging import redact

bind = "127.0.0.1:8000"
accesslog = "-"
errorlog = "-"
# A worker is restarted after this many seconds on one request. Pages take milliseconds; report
# files are built by `delphi worker`, not in a request, but the report read in the browser is
# still drawn while its reader waits (gunicorn's default is 30).
timeout = 120


class RedactingLogger(Logger):
    """Gunicorn's logger with personal-link tokens removed from the request line and path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every text atom: the request line, path, raw URI, referer and other headers.
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in atoms.items()}


logger_class = RedactingLogger


def on_starting(server) -> None:
    """Refuse several workers in production unless rate limits are counted in a shared store
    (the ConfigError's message is printed and gunicorn exits with status 1)."""
    delphi_config.check_workers(server.cfg.workers)
