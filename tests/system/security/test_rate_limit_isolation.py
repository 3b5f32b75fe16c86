"""Every app a test builds starts with a fresh rate limiter: nothing carries into the next test.

Flask-Limiter's limiter is one object shared by every app in the process; its switch and storage
are those of the app built last. The tests below run in this order; the second of each pair
fails if the first's limiter state reaches it: counts from an app a test builds itself with
create_app, and the switch turned off by such an app (before every app started fresh, test_4
was not limited at all).
"""
from __future__ import annotations

import pytest

from delphi import create_app
from delphi.auth.views import FAILED_LOGIN_ADDRESS_LIMIT
from delphi.extensions import db

ALLOWED = int(FAILED_LOGIN_ADDRESS_LIMIT.split("/")[0])


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


@pytest.fixture
def build_app(app):
    """Build an app the way a test calling create_app does; its connections closed afterwards."""
    built = []

    def build(config: dict):
        built.append(create_app(config))
        return built[-1]

    yield build
    for own_app in built:
        with own_app.app_context():
            db.engine.dispose()


def _failed_sign_in(client, n: int = 0):
    # A different e-mail each time, so only the per-address limit applies.
    return client.post("/login", data={"email": f"nobody{n}@example.org", "password": "wrong"})


def _failed_sign_ins(client) -> list[int]:
    return [_failed_sign_in(client, n).status_code for n in range(ALLOWED + 1)]


def test_1_an_app_built_by_a_test_exhausts_the_limit_of_its_address(build_app, app_config):
    own_app = build_app(dict(app_config))

    assert _failed_sign_ins(own_app.test_client()) == [200] * ALLOWED + [429]


def test_2_the_next_test_starts_with_no_failed_sign_ins_counted(client):
    response = _failed_sign_in(client)

    assert response.status_code == 200
    assert "The e-mail or password is not right" in response.get_data(as_text=True)


def test_3_an_app_built_by_a_test_with_limits_off_is_not_limited(build_app, app_config):
    own_app = build_app({**app_config, "RATELIMIT_ENABLED": False})

    assert _failed_sign_ins(own_app.test_client()) == [200] * (ALLOWED + 1)


def test_4_the_next_test_with_limits_on_is_limited(client):
    assert _failed_sign_ins(client) == [200] * ALLOWED + [429]
