"""Production refuses settings that would quietly weaken it: a short SECRET_KEY, several gunicorn
workers counting rate limits each in its own memory; and it sends HSTS."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request

import pytest

import config
from delphi import create_app
from tests.system.reliability.stack import ROOT, free_port

LONG_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def environment(monkeypatch):
    """No deployment setting of the machine running the tests leaks into these."""
    for name in ("DELPHI_ENV", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED",
                 "DELPHI_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("key", ["x", "a" * 31, "é" * 15])
def test_production_refuses_a_secret_key_shorter_than_32_bytes(environment, tmp_path, key):
    with pytest.raises(config.ConfigError) as refused:
        config.load({"DELPHI_ENV": "production", "SECRET_KEY": key,
                     "INSTANCE_PATH": str(tmp_path)})
    message = str(refused.value)
    assert f"SECRET_KEY is {len(key.encode())} bytes long" in message
    assert "at least 32" in message


def test_a_32_byte_key_starts_and_development_takes_any_key(environment, tmp_path):
    assert config.load({"DELPHI_ENV": "production", "SECRET_KEY": "k" * 32,
                        "INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == "k" * 32
    assert config.load({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == "x"


def test_trusted_proxies_default_to_none_and_must_be_a_count(environment, tmp_path):
    assert config.load({"INSTANCE_PATH": str(tmp_path)})["TRUSTED_PROXIES"] == 0
    environment.setenv("DELPHI_TRUSTED_PROXIES", "2")
    assert config.load({"INSTANCE_PATH": str(tmp_path)})["TRUSTED_PROXIES"] == 2
    environment.setenv("DELPHI_TRUSTED_PROXIES", "yes")
    with pytest.raises(config.ConfigError, match=r"DELPHI_TRUSTED_PROXIES must be a whole "
                                                 r"number \(0 or more\), not 'yes'"):
        config.load({"INSTANCE_PATH": str(tmp_path)})


def test_production_sends_hsts_for_a_year_with_subdomains(app_config, tmp_path):
    production = create_app({**app_config, "DELPHI_ENV": "production", "SECRET_KEY": LONG_KEY,
                             "INSTANCE_PATH": str(tmp_path), "TASK_QUEUE": ""})

    response = production.test_client().get("/healthz")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_sends_no_hsts(client):
    # Over plain http://127.0.0.1, HSTS would be ignored at best, and stick to localhost at worst.
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


@pytest.mark.parametrize("storage, workers, refused", [
    ("memory://", 1, False), ("memory://", 2, True), ("redis://cache:6379", 4, False)])
def test_several_workers_need_a_shared_rate_limit_store_in_production(environment, storage,
                                                                      workers, refused):
    environment.setenv("DELPHI_ENV", "production")
    environment.setenv("RATELIMIT_STORAGE_URI", storage)
    if refused:
        with pytest.raises(config.ConfigError, match="set RATELIMIT_STORAGE_URI"):
            config.check_workers(workers)
    else:
        config.check_workers(workers)
    environment.setenv("DELPHI_ENV", "development")
    config.check_workers(workers)  # one machine of a developer: per-worker counts are fine


def _gunicorn(tmp_path, workers: int, port: int) -> subprocess.Popen:
    env = {name: value for name, value in os.environ.items()
           if name not in ("RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED", "WEB_CONCURRENCY",
                           "DELPHI_TRUSTED_PROXIES")}
    env.update(DELPHI_ENV="production", SECRET_KEY=LONG_KEY,
               DATABASE_URL=f"sqlite:///{tmp_path / 'delphi.sqlite3'}",
               DELPHI_INSTANCE=str(tmp_path / "instance"), DELPHI_BASE_URL="http://127.0.0.1")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow  # starts gunicorn
def test_gunicorn_refuses_two_workers_on_memory_storage_in_production(tmp_path):
    server = _gunicorn(tmp_path, workers=2, port=free_port())
    try:
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()

    assert server.returncode == 1, output
    assert "2 workers would each keep their own rate-limit counts" in output
    assert "RATELIMIT_STORAGE_URI" in output
    assert "Traceback" not in output and "Booting worker" not in output


@pytest.mark.slow  # starts gunicorn
def test_gunicorn_starts_one_worker_on_memory_storage_in_production(tmp_path):
    port = free_port()
    server = _gunicorn(tmp_path, workers=1, port=port)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as ok:
                    assert ok.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.communicate(timeout=30)
