"""Rate limits: guessing personal links, flooding with one link, and failed staff sign-ins."""
from __future__ import annotations

import secrets

import pytest

from delphi.extensions import limiter
from delphi.panel.tokens import token_for
from delphi.questionnaire.blueprint import INVALID_LINK_LIMIT, LINK_LIMIT
from delphi.rounds.lifecycle import open_round


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


@pytest.fixture(autouse=True)
def limiter_on(app, monkeypatch):
    """The limiter is one object shared by every app the tests build, and its switch and storage
    are those of whichever app was built last; give these tests it on, with empty memory."""
    from limits.storage import MemoryStorage
    from limits.strategies import FixedWindowRateLimiter

    monkeypatch.setattr(limiter, "enabled", True)
    # Left in place afterwards: the shared teardown resets whatever storage the limiter holds.
    limiter._storage = MemoryStorage()
    limiter._limiter = FixedWindowRateLimiter(limiter._storage)


@pytest.fixture
def panellist(db, make_study, make_panel):
    study = make_study(slug="limited")
    (panellist,) = make_panel(study, n=1)
    open_round(study)
    db.session.commit()
    return panellist


def _per_minute(limit: str) -> int:
    count, period = limit.split("/")
    assert period == "minute"
    return int(count)


def test_guessing_links_is_stopped_after_a_few_unknown_ones(client, panellist):
    allowed = _per_minute(INVALID_LINK_LIMIT)
    for _ in range(allowed):
        response = client.get(f"/p/{secrets.token_urlsafe(32)}")
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)

    blocked = client.get(f"/p/{secrets.token_urlsafe(32)}")

    assert blocked.status_code == 429
    assert "Too many unknown links from this address" in blocked.get_data(as_text=True)


def test_a_valid_link_is_not_counted_as_a_guess(client, panellist):
    link = f"/p/{token_for(panellist)}"
    for _ in range(_per_minute(INVALID_LINK_LIMIT) + 5):
        assert client.get(link).status_code == 200


def test_one_link_cannot_flood_the_server(client, panellist):
    link = f"/p/{token_for(panellist)}/answers"
    for _ in range(_per_minute(LINK_LIMIT)):
        assert client.get(link).status_code == 200

    blocked = client.get(link)

    assert blocked.status_code == 429
    assert "Too many requests with this link" in blocked.get_data(as_text=True)
    assert token_for(panellist) not in blocked.get_data(as_text=True)


def test_failed_sign_ins_are_limited_but_a_right_password_is_not_counted(client, db, make_staff):
    make_staff(email="coord@example.org", role="coordinator", password="right password here")
    db.session.commit()
    for _ in range(3):
        assert client.post("/login", data={"email": "coord@example.org",
                                           "password": "right password here"}).status_code == 302
    for _ in range(5):
        response = client.post("/login", data={"email": "coord@example.org", "password": "wrong"})
        assert response.status_code == 200
        assert "The e-mail or password is not right" in response.get_data(as_text=True)

    blocked = client.post("/login", data={"email": "coord@example.org",
                                          "password": "right password here"})

    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts. Wait a minute" in blocked.get_data(as_text=True)
    # Another account from the same address is counted separately.
    other = client.post("/login", data={"email": "other@example.org", "password": "wrong"})
    assert other.status_code == 200
