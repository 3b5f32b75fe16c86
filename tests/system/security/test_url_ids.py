"""Whole numbers in URLs stop at the largest one the database holds: ids and round numbers are
INTEGER columns, at most 2^31 - 1 on PostgreSQL. A larger id in any route is refused by the
router on both databases, never an overflow in the database (a 500)."""
from __future__ import annotations

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round

LARGEST = 2**31 - 1  # PostgreSQL's INTEGER ends here


def _int_routes(app) -> list[tuple[str, str, list[str]]]:
    """(rule, method, names of its whole-number arguments) for every route taking one."""
    routes = []
    for rule in app.url_map.iter_rules():
        ints = sorted(name for name, converter in rule._converters.items()
                      if isinstance(converter, IntegerConverter))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if ints:
                routes.append((rule.rule, method, ints))
    return routes


def _path(rule: str, values: dict[str, object]) -> str:
    path = rule
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return path


@pytest.fixture
def study_and_link(db, make_study, make_panel, login_as):
    study = make_study(slug="big-ids")
    (panellist,) = make_panel(study, n=1)
    open_round(study)
    login_as("admin")
    db.session.commit()
    return study, token_for(panellist)


def test_the_app_has_routes_with_ids(app):
    # The walk below must have something to walk: rounds, items, panellists, staff, ...
    assert len({rule for rule, _, _ in _int_routes(app)}) >= 15


@pytest.mark.parametrize("too_big", [LARGEST + 1, 2**63])
def test_a_too_large_id_is_404_on_every_route(app, client, study_and_link, too_big):
    study, token = study_and_link
    checked = 0
    for rule, method, ints in _int_routes(app):
        for large in ints:  # one argument too large at a time, the others ordinary
            values = {name: 1 for name in ints} | {large: too_big}
            values |= {"slug": study.slug, "token": token, "name": "x", "format_name": "csv"}
            path = _path(rule, values)
            response = client.open(path, method=method)
            page = response.get_data(as_text=True)
            # The router refuses it before any view runs. Werkzeug checks a rule's method before
            # its arguments, so a path that another method's rule also fits is a 405.
            with pytest.raises((NotFound, MethodNotAllowed)) as refused:
                app.url_map.bind("localhost").match(path, method=method)
            assert response.status_code == refused.value.code, (method, path, page[:300])
            assert refused.value.name in page, (method, path)
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("too_big", [str(LARGEST + 1), str(10**30), "9" * 5000])
def test_the_router_refuses_any_larger_number(app, too_big):
    adapter = app.url_map.bind("localhost")
    with pytest.raises(NotFound):
        adapter.match(f"/p/some-token/round/{too_big}/review", method="GET")


def test_the_largest_id_still_reaches_the_page_which_finds_nothing(app, client, study_and_link):
    study, token = study_and_link
    endpoint, args = app.url_map.bind("localhost").match(
        f"/p/{token}/round/{LARGEST}/review", method="GET")
    assert endpoint == "questionnaire.review" and args["number"] == LARGEST

    for path in (f"/p/{token}/round/{LARGEST}/review",
                 f"/console/studies/{study.slug}/items/{LARGEST}",
                 f"/console/studies/{study.slug}/panel/{LARGEST}"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("round_argument", ["²", "9" * 5000, str(2**63), "01"])
def test_a_reports_round_argument_that_is_no_closed_round_is_404(db, make_study, login_as,
                                                                 client, round_argument):
    make_study(slug="reports-round")
    login_as("admin")
    for view in ("view", "download/csv"):
        response = client.get(f"/console/studies/reports-round/reports/{view}",
                              query_string={"round": round_argument})
        assert response.status_code == 404, response.get_data(as_text=True)[:300]
        assert "Not Found" in response.get_data(as_text=True)
