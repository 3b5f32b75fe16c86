"""Session cookies are locked down, and neither passwords nor personal-link tokens reach a log."""
from __future__ import annotations

import logging

import pytest

from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round

PASSWORD = "correct horse battery staple, not in any log"


@pytest.fixture
def panellist(db, make_study, make_panel, make_staff):
    study = make_study(slug="cookies")
    (panellist,) = make_panel(study, n=1)
    open_round(study)
    make_staff(email="coord@example.org", role="coordinator", password=PASSWORD, studies=[study])
    db.session.commit()
    return panellist


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


class TestProduction:
    @pytest.fixture
    def app_config(self, app_config):
        # Production refuses to build reports inside the request: the queue file instead.
        return {**app_config, "DELPHI_ENV": "production", "TASK_QUEUE": ""}

    def test_the_staff_session_cookie_is_secure_httponly_and_samesite(self, client, panellist):
        response = client.post("/login", data={"email": "coord@example.org",
                                               "password": PASSWORD})
        assert response.status_code == 302
        cookie = _session_cookie(response)
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie

    def test_a_panellists_session_cookie_is_locked_down_too(self, client, panellist):
        response = client.get(f"/p/{token_for(panellist)}/round/1/section/1")
        assert response.status_code == 200
        cookie = _session_cookie(response)
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_in_development_the_cookie_works_over_plain_http(client, panellist):
    response = client.post("/login", data={"email": "coord@example.org", "password": PASSWORD})
    cookie = _session_cookie(response)
    assert "; Secure" not in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_no_log_record_holds_a_password_or_a_token(app, client, panellist, caplog):
    token = token_for(panellist)
    caplog.set_level(logging.DEBUG)
    client.post("/login", data={"email": "coord@example.org", "password": PASSWORD})
    client.post("/login", data={"email": "coord@example.org", "password": PASSWORD + "x"})
    client.get(f"/p/{token}")
    client.get(f"/p/{token}/round/1/section/1")
    client.post(f"/p/{token}/round/1/autosave", data={})
    client.get(f"/p/{token}X")  # an unknown link
    # The request log of the development server prints every path; its filter redacts tokens.
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /p/%s/round/1 HTTP/1.1" 200 -', token)
    app.logger.warning("Looked at /p/%s?x=1", token)

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/p/[redacted]/round/1" in text
    assert token not in text
    assert PASSWORD not in text
