"""Configuration read from the environment.

The default database is an SQLite file under ``instance/``; ``DATABASE_URL`` selects another
(``postgresql+psycopg://user:password@host/dbname`` in production). ``SECRET_KEY`` comes from the
environment; in development one is generated once and kept in ``instance/secret_key``; in
production (``DELPHI_ENV=production``) the app refuses to start without it, or with one shorter
than 32 bytes.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _default_instance() -> Path:
    """``instance/`` beside the code in a source checkout; an installed package (a wheel, a
    container image) keeps no data in site-packages, so there it is ``instance/`` in the current
    working directory."""
    if (ROOT / "pyproject.toml").is_file() and (ROOT / "delphi").is_dir():
        return ROOT / "instance"
    return Path.cwd() / "instance"


INSTANCE = Path(os.environ.get("DELPHI_INSTANCE") or _default_instance())
REQUEST_MAX_BYTES = 12 * 1024 * 1024
SECRET_KEY_MIN_BYTES = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says which setting and why."""


def _development_secret_key(instance: Path) -> str:
    """Return the development secret key, creating it once under ``instance/``."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(name: str, default: int) -> int:
    """A whole number of things (0 or more) from the environment variable ``name``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


def check_workers(workers: int) -> None:
    """Refuse several worker processes in production when each would count rate limits in its
    own memory: with 4 workers, 4 times as many failed sign-ins would get through."""
    production = os.environ.get("DELPHI_ENV", "development") == "production"
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if production and workers > 1 and storage.startswith("memory://") and \
            _flag("RATELIMIT_ENABLED", True):
        raise ConfigError(
            f"{workers} workers would each keep their own rate-limit counts in memory, so the "
            "limits on failed sign-ins and unknown links would not hold: set "
            "RATELIMIT_STORAGE_URI to a shared store (e.g. redis://host:6379) or run one worker."
        )


def load(overrides: dict | None = None) -> dict:
    """Build the Flask configuration from the environment, then apply ``overrides``."""
    overrides = dict(overrides or {})
    env = overrides.get("DELPHI_ENV") or os.environ.get("DELPHI_ENV", "development")
    if env not in {"development", "production"}:
        raise ConfigError(f"DELPHI_ENV must be 'development' or 'production', not {env!r}")
    instance = Path(overrides.get("INSTANCE_PATH") or INSTANCE)
    production = env == "production"

    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set: in production the app will not start without it "
                "(set it in the environment to a long random string)."
            )
        secret_key = _development_secret_key(instance)
    elif production and len(secret_key.encode()) < SECRET_KEY_MIN_BYTES:
        raise ConfigError(
            f"SECRET_KEY is {len(secret_key.encode())} bytes long: in production it must have at "
            f"least {SECRET_KEY_MIN_BYTES} (a long random string, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
        )

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'delphi.sqlite3'}"
    config = {
        "DELPHI_ENV": env,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # The public address panellists' personal links start with, in e-mails and on the command
        # line. None: the address the app is served at (delphi.panel.tokens.link_base).
        "BASE_URL": os.environ.get("DELPHI_BASE_URL") or None,
        # The largest request body accepted, checked on Content-Length before anything is read:
        # a larger one is refused with 413. Uploads (study files, CSVs) have their own, smaller
        # limit (delphi/importing.py MAX_FILE_BYTES, 10 MB); this leaves room for the form.
        "MAX_CONTENT_LENGTH": REQUEST_MAX_BYTES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        # How staff passwords are hashed (werkzeug.security); tests choose a cheaper method.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Rate limits; storage may be shared between app servers (e.g. redis://host:6379).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # How many proxies in front of the app add X-Forwarded-For/-Proto; the client's address
        # (which rate limits count by) is taken from them. 0: the headers are ignored.
        "TRUSTED_PROXIES": _count("DELPHI_TRUSTED_PROXIES", 0),
        # Pages, stylesheets, scripts, JSON and CSV are compressed (Brotli or gzip, as the
        # browser accepts) when larger than 500 bytes: a round-2 page of 60 items with feedback
        # shrinks about tenfold. Turn off (DELPHI_COMPRESS=0) when the proxy in front compresses.
        "COMPRESS_RESPONSES": _flag("DELPHI_COMPRESS", True),
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "text/csv", "image/svg+xml",
        ],
        "COMPRESS_MIN_SIZE": 500,
        # Files sent as streams (static files, documents) go as they are: the browser caches
        # them, and compressing a stream would leave its file open.
        "COMPRESS_STREAMS": False,
        # Where background tasks (reports) are queued for `delphi worker`: empty for a queue file
        # in the instance folder, redis://host:6379/0 for several machines, immediate to run
        # each task where it is queued (tests). Checked by delphi.tasks.
        "TASK_QUEUE": os.environ.get("DELPHI_TASK_QUEUE", "").strip(),
        # How long a built report waits to be downloaded (or read again) after its last news,
        # in hours; ``delphi tick`` then removes its file, and after as long again its record.
        "REPORT_BUILD_TTL_HOURS": _count("DELPHI_REPORT_BUILD_TTL_HOURS", 7 * 24),
        # The largest report to read (items of its closed rounds x panellists) the console
        # renders while the request waits; a larger one is built by the worker.
        "REPORT_INSTANT_SIZE": _count("DELPHI_REPORT_INSTANT_SIZE", 100_000),
        # Outgoing e-mail. Without MAIL_HOST, messages are written to files under instance/mail.
        "MAIL_HOST": os.environ.get("MAIL_HOST", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_SECURITY": os.environ.get("MAIL_SECURITY", "none"),  # none | starttls | tls
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        # PEM certificates to trust for the mail server (a relay with a private CA); empty: the
        # system's certificate authorities. The certificate and host name are always checked.
        "MAIL_CA_FILE": os.environ.get("MAIL_CA_FILE", ""),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "delphi@localhost"),
    }
    config.update(overrides)
    return config
