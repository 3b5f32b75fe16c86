"""A request that fails in the database still gets the full error page, even for signed-in staff
whose account the page would otherwise load through the broken session."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy.exc import SQLAlchemyError

from delphi.models import Study


@pytest.fixture
def app_config(app_config):
    # As in production: an unexpected error is answered by the 500 page, not raised to the test.
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


def _fails_in_the_database(db, study_id: int):
    """A view whose write the database refuses (a number no INTEGER column holds), leaving the
    request's session unusable until it is rolled back."""

    def view(**kwargs):
        study = db.session.get(Study, study_id)
        study.scale_max = 2**63
        db.session.flush()
        return "not reached"

    return view


def test_a_database_error_for_signed_in_staff_gives_the_full_error_page(
        app, db, client, make_study, login_as, monkeypatch):
    study = make_study(slug="breaks")
    login_as("admin")
    monkeypatch.setitem(app.view_functions, "console.index", _fails_in_the_database(db, study.id))

    response = client.get("/console/")

    page = response.get_data(as_text=True)
    assert response.status_code == 500, page[:500]
    assert "<h1>Internal Server Error</h1>" in page
    assert "nothing from this request was saved" in page
    assert 'class="site-header"' in page  # the whole layout, not the last-resort page
    assert "Traceback" not in page and "scale_max" not in page
    db.session.remove()
    assert db.session.scalar(sa.select(Study.scale_max).filter_by(slug="breaks")) == 9


def test_the_session_is_usable_again_by_the_next_request(app, db, client, make_study,
                                                         login_as, monkeypatch):
    study = make_study(slug="breaks")
    login_as("admin")
    monkeypatch.setitem(app.view_functions, "console.index", _fails_in_the_database(db, study.id))
    assert client.get("/console/").status_code == 500
    monkeypatch.undo()
    # The test's app context, and so ``g``, spans its requests; in production each request has
    # its own, and the visitor the error page was drawn for is forgotten with it.
    g.pop("_login_user", None)

    response = client.get("/console/")
    assert response.status_code == 200
    assert "admin-0" in response.get_data(as_text=True)  # the staff member is signed in again


def test_when_even_the_page_fails_a_plain_500_still_says_what_happened(
        app, db, client, make_study, login_as, monkeypatch):
    study = make_study(slug="breaks")
    login_as("admin")
    monkeypatch.setitem(app.view_functions, "console.index", _fails_in_the_database(db, study.id))

    def broken_page(*args, **kwargs):
        raise SQLAlchemyError("the template needed the database")

    monkeypatch.setattr("delphi.errors.render_template", broken_page)
    response = client.get("/console/")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
