"""Personal-link tokens never reach a log: werkzeug's request log and gunicorn's access log."""
from __future__ import annotations

import logging
import runpy
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from werkzeug.serving import make_server

from delphi.panel.tokens import token_for
from delphi.request_logging import redact

ROOT = Path(__file__).resolve().parents[2]


def test_redact_replaces_the_token_of_every_personal_link():
    assert redact('"GET /p/AbC-123_x/round/1/section/2?x=1 HTTP/1.1" 200') == \
        '"GET /p/[redacted]/round/1/section/2?x=1 HTTP/1.1" 200'
    assert redact("/p/abc and /p/def") == "/p/[redacted] and /p/[redacted]"
    assert redact("GET /static/delphi.css") == "GET /static/delphi.css"


def test_redact_finds_the_token_however_the_path_is_written():
    token = "AbC-123_xyzTOKEN"
    for path in (f"/p%2F{token}", f"/p%2f{token}/answers", f"/%70/{token}", f"/%70%2F{token}",
                 f"/p%252F{token}", f"//p//{token}", f"/P/{token}"):
        logged = redact(f'"GET {path} HTTP/1.1" 200')
        assert token not in logged, path
        assert "/p/[redacted]" in logged, path
    # Decoding writes no line break into the log: what decodes to one is encoded again.
    assert redact(f"GET /p%2F{token}%0Aforged line") == "GET /p/[redacted] line"
    assert redact(f"GET /x%0A/p%2F{token}") == "GET /x%0A/p/[redacted]"
    assert redact("GET /static/a%20b.css") == "GET /static/a%20b.css"  # no link: unchanged


def test_a_request_to_a_personal_link_is_logged_without_its_token(app, db, round_one, caplog):
    setting = round_one()
    token = token_for(setting.me)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        with urllib.request.urlopen(
                f"http://127.0.0.1:{server.server_port}/p/{token}", timeout=10) as response:
            assert response.status == 200
        thread.join(timeout=10)
    server.server_close()
    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /p/[redacted] HTTP/1.1" in line for line in request_lines), request_lines
    assert token not in caplog.text


def test_gunicorn_access_log_has_no_token(capsys):
    from gunicorn.config import Config

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    logger = settings["logger_class"](config)
    token = "S3cretTokenValue_abc-123"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/p/{token}/round/1/section/1",
               "PATH_INFO": f"/p/{token}/round/1/section/1", "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": f"http://delphi.test/p/{token}"}
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", f"http://delphi.test/p/{token}")])
    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    output = capsys.readouterr()
    logged = output.out + output.err
    assert "GET /p/[redacted]/round/1/section/1 HTTP/1.1" in logged
    assert token not in logged
