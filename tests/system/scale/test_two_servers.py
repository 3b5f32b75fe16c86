"""A panellist moves between two app servers mid-questionnaire and loses nothing.

Nothing is kept in a server's memory between requests: the session (and the CSRF token in it)
is a signed cookie, answers are in the shared database. So a load balancer may send each request
to any server. Runs on both backends; on PostgreSQL this is the deployment docs/scaling.md
describes (on SQLite the two servers share one file on one machine).
"""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import sqlalchemy as sa

from delphi.models import Rating, Response, ResponseStatus, RoundItem
from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 302 and where it points


class Browser:
    """Cookies kept across servers, as one browser behind one load-balanced address."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location") or error.read().decode()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def checked(page: str) -> dict[int, str]:
    """The rating each item shows as chosen on a section page."""
    return {int(ident): value for ident, value in re.findall(
        r'name="rating-(\d+)" value="(\w+)" checked', page)}


def test_a_panellist_switches_servers_mid_questionnaire(db, make_study, make_panel, app_servers):
    study = make_study(sections=1, items_per_section=4)
    panellist = make_panel(study, n=5)[0]
    round_ = open_round(study)
    db.session.commit()
    items = [ri.id for ri in round_.round_items]
    chosen = dict(zip(items, ["7", "8", "unable", "2"]))
    server_a, server_b = app_servers(2)
    section = f"/p/{token_for(panellist)}/round/1/section/1"
    browser = Browser()

    status, page = browser.get(server_a + section)
    assert status == 200 and checked(page) == {}
    status, location = browser.post(server_a + section, {
        "csrf_token": csrf_of(page), "action": "save",
        **{f"rating-{ident}": value for ident, value in chosen.items()},
        f"comment-{items[0]}": "Saved on server A."})
    assert status == 302, location

    # Server B has never seen this panellist: the draft comes from the database, the session
    # and its CSRF token from the signed cookie.
    status, page = browser.get(server_b + section)
    assert status == 200
    assert checked(page) == chosen
    assert "Saved on server A." in page
    status, review = browser.get(server_b + f"/p/{token_for(panellist)}/round/1/review")
    assert status == 200
    status, location = browser.post(server_b + f"/p/{token_for(panellist)}/round/1/submit",
                                    {"csrf_token": csrf_of(review)})
    assert status == 302 and location.endswith("/round/1/done"), location

    db.session.expire_all()
    response = db.session.scalar(sa.select(Response).filter_by(panellist_id=panellist.id))
    assert response.status is ResponseStatus.SUBMITTED
    stored = dict(db.session.execute(
        sa.select(RoundItem.id, sa.case((Rating.unable, "unable"),
                                        else_=sa.cast(Rating.value, sa.String)))
        .join(Rating, Rating.round_item_id == RoundItem.id)
        .where(Rating.response_id == response.id)).all())
    assert stored == chosen
    status, page = browser.get(server_a + f"/p/{token_for(panellist)}/round/1/done")
    assert status == 200


def test_a_form_from_one_server_is_accepted_by_the_other(db, make_study, make_panel,
                                                         app_servers):
    """The CSRF token issued by server A is valid on server B, and a forged one is not."""
    study = make_study(sections=1, items_per_section=2)
    panellist = make_panel(study, n=5)[0]
    round_ = open_round(study)
    db.session.commit()
    first = round_.round_items[0].id
    server_a, server_b = app_servers(2)
    section = f"/p/{token_for(panellist)}/round/1/section/1"
    browser = Browser()
    _, page = browser.get(server_a + section)

    status, _ = browser.post(server_b + section, {"csrf_token": "forged", "action": "save",
                                                  f"rating-{first}": "5"})
    assert status == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0

    status, _ = browser.post(server_b + section, {"csrf_token": csrf_of(page), "action": "save",
                                                  f"rating-{first}": "5"})
    assert status == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Rating.value).where(Rating.round_item_id == first)) == 5
