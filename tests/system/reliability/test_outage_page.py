"""With the database unreachable, every page answers 503 with a plain explanation, never a
traceback, even for a signed-in staff member whose account cannot be loaded."""
from __future__ import annotations

import pytest

from delphi import create_app
from tests.system.reliability.stack import free_port

UNREACHABLE = f"postgresql+psycopg://delphi:secret-password@127.0.0.1:{free_port()}/gone"


@pytest.fixture
def unreachable_app(tmp_path):
    return create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE, "SECRET_KEY": "outage-test",
                       "INSTANCE_PATH": str(tmp_path), "RATELIMIT_ENABLED": False,
                       "TESTING": True})


@pytest.mark.parametrize("path,signed_in", [
    ("/console/", True),
    ("/console/studies/some-study/panel", True),
    ("/p/some-personal-link-token", False),
    ("/console/studies/some-study/reports/view", True),
])
def test_pages_answer_503_when_the_database_is_down(unreachable_app, path, signed_in):
    client = unreachable_app.test_client()
    if signed_in:
        with client.session_transaction() as session:
            session["_user_id"] = "1:0"  # account 1, sessions never ended
            session["_fresh"] = True

    response = client.get(path)

    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert "Temporarily unavailable" in page and "Nothing you saved has been lost" in page
    assert "Traceback" not in page and "secret-password" not in page and "psycopg" not in page
