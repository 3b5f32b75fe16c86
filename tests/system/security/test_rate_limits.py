"""Rate limits: guessing personal links, flooding with one link, and failed staff sign-ins;
the client's address behind trusted proxies."""
from __future__ import annotations

import secrets

import pytest

from delphi.auth.views import FAILED_LOGIN_ADDRESS_LIMIT
from delphi.extensions import limiter
from delphi.panel.tokens import token_for
from delphi.questionnaire.blueprint import LINK_LIMIT
from delphi.questionnaire.unknown_links import UNKNOWN_LINK_LIMIT
from delphi.rounds.lifecycle import open_round


@pytest.fixture
def app_config(app_config, request):
    """Rate limits on; ``indirect`` parametrisation gives the number of trusted proxies."""
    return {**app_config, "RATELIMIT_ENABLED": True,
            "TRUSTED_PROXIES": getattr(request, "param", 0)}


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
    allowed = _per_minute(UNKNOWN_LINK_LIMIT)
    for _ in range(allowed):
        response = client.get(f"/p/{secrets.token_urlsafe(32)}")
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)

    blocked = client.get(f"/p/{secrets.token_urlsafe(32)}")

    assert blocked.status_code == 429
    assert "Too many unknown links from this address" in blocked.get_data(as_text=True)


def test_a_valid_link_is_not_counted_as_a_guess(client, panellist):
    link = f"/p/{token_for(panellist)}"
    for _ in range(_per_minute(UNKNOWN_LINK_LIMIT) + 5):
        assert client.get(link).status_code == 200


def test_unknown_links_from_an_address_do_not_block_a_valid_link_from_it(client, panellist):
    # Behind a proxy or on one network, a guesser and the panel share an address.
    allowed = _per_minute(UNKNOWN_LINK_LIMIT)
    unknown = [client.get(f"/p/{secrets.token_urlsafe(32)}") for _ in range(allowed + 5)]
    assert [r.status_code for r in unknown] == [404] * allowed + [429] * 5

    welcome = client.get(f"/p/{token_for(panellist)}")

    assert welcome.status_code == 200
    assert "Too many" not in welcome.get_data(as_text=True)
    blocked = client.get(f"/p/{secrets.token_urlsafe(32)}")
    assert blocked.status_code == 429
    assert "Too many unknown links from this address" in blocked.get_data(as_text=True)


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


def _failed_sign_in(client, email: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"email": email, "password": "wrong"}, headers=headers)


def test_one_address_trying_many_e_mails_is_limited_too(client, db, make_staff):
    make_staff(email="coord@example.org", role="coordinator", password="right password here")
    db.session.commit()
    allowed = _per_minute(FAILED_LOGIN_ADDRESS_LIMIT)
    for n in range(allowed):
        response = _failed_sign_in(client, f"person{n}@example.org")
        assert response.status_code == 200
        assert "The e-mail or password is not right" in response.get_data(as_text=True)

    # Each e-mail tried once, but from one address: the next one (any account) waits.
    blocked = client.post("/login", data={"email": "coord@example.org",
                                          "password": "right password here"})

    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts from this address. Wait a minute" in \
        blocked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client):
    allowed = _per_minute(FAILED_LOGIN_ADDRESS_LIMIT)
    # Anyone can write the header: a new made-up address each time does not escape the limit.
    statuses = [_failed_sign_in(client, f"person{n}@example.org", f"203.0.113.{n}").status_code
                for n in range(allowed + 1)]
    assert statuses == [200] * allowed + [429]


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_behind_one_trusted_proxy_each_forwarded_client_is_counted_apart(client):
    allowed = _per_minute(FAILED_LOGIN_ADDRESS_LIMIT)
    # The proxy's own address is the same for all; the clients it forwards differ.
    statuses = [_failed_sign_in(client, f"person{n}@example.org", f"203.0.113.{n}").status_code
                for n in range(allowed + 5)]
    assert statuses == [200] * (allowed + 5)
    # And one forwarded client is still limited.
    repeated = [_failed_sign_in(client, f"other{n}@example.org", "198.51.100.7").status_code
                for n in range(allowed + 1)]
    assert repeated == [200] * allowed + [429]


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_only_the_hop_added_by_the_trusted_proxy_is_believed(client):
    allowed = _per_minute(FAILED_LOGIN_ADDRESS_LIMIT)
    # A client writes its own X-Forwarded-For; the proxy appends the address it saw.
    statuses = [_failed_sign_in(client, f"person{n}@example.org",
                                f"203.0.113.{n}, 198.51.100.7").status_code
                for n in range(allowed + 1)]
    assert statuses == [200] * allowed + [429]
