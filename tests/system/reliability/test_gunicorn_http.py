"""The app behind gunicorn, as in production, at the HTTP layer: a personal link's token never
reaches the access log however its path is written, and a huge request body is refused at once.

One small study on SQLite (the database plays no part here) and one gunicorn worker.
"""
from __future__ import annotations

import http.client
import socket
import time

import pytest

from tests.system.reliability.stack import Server, build, wait_for_log

pytestmark = pytest.mark.slow  # starts gunicorn

HUGE = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("gunicorn-http")
    built = build(None, workdir, panellists=2, items=3, sections=1)
    with Server(built.url, workdir, workers=1) as server:
        yield server, built.tokens[0]


def _get(server: Server, path: str) -> tuple[int, str]:
    """GET ``path`` exactly as written (http.client sends it unchanged)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_a_token_in_any_spelling_of_the_path_is_redacted_from_the_access_log(served):
    server, token = served
    spellings = {
        f"/p/{token}": 200,  # the ordinary link
        f"/p%2F{token}": 200,  # served: the slash is decoded before routing
        f"/p%2f{token}/answers": 200,
        f"/%70/{token}/answers": 200,
        f"/%70%2F{token}/round/2/section/1": 200,
        f"/p%252F{token}": 404,  # encoded twice: not a route, and still no token in the log
        f"/P/{token}": 404,
        f"/p/{token}/nowhere?again=/p/{token}": 404,
    }
    before = server.log_text().count("[redacted]")
    for path, status in spellings.items():
        got, page = _get(server, path)
        assert got == status, (path, page[:300])
        if status == 200:
            assert f"/p/{token}" in page  # the panellist's own page, linking on with the token
    wait_for_log(server, "[redacted]", before + len(spellings))

    log = server.log_text()
    assert token not in log
    assert token[:12] not in log  # no part of it either
    assert '"GET /p/[redacted] HTTP/1.1" 200' in log  # the ordinary redaction still works
    assert '"GET /p/[redacted]/answers HTTP/1.1" 200' in log


def test_a_300_mb_post_is_refused_at_once_with_a_readable_413(served):
    server, token = served
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall((
            f"POST /p/{token}/round/2/autosave HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {HUGE}\r\n\r\n").encode())
        started = time.monotonic()
        connection.sendall(b"comment=" + b"x" * 65536)  # the start of the body, not all of it
        answer = b""
        while b"</html>" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started

    text = answer.decode(errors="replace")
    assert text.startswith("HTTP/1.1 413"), text[:300]
    assert "larger than 12 MB" in text and "none of it was read or saved" in text
    assert elapsed < 10
