"""The public sign-up page limits posts per client address (Flask-Limiter, as sign-in does)."""
from __future__ import annotations

import pytest

from delphi.models import Signup, SignupState
from tests.signup.conftest import PAGE


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


def test_sign_ups_are_limited_to_five_a_minute_per_address(client, db, make_study):
    make_study(slug="open-study", signup=SignupState.OPEN)
    db.session.commit()
    data = {"name": "Nia Evans", "email": "nia.evans@example.org", "group": "Nobody"}
    statuses = [client.post(PAGE, data=data).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    assert "Too many sign-ups" in client.post(PAGE, data=data).get_data(as_text=True)
    assert client.get(PAGE).status_code == 200  # reading the page is not limited
    assert db.session.scalar(db.select(Signup.id)) is None
