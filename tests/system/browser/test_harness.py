"""The browser harness itself: the live server answers, axe runs and reports violations."""
from __future__ import annotations

import pytest

from tests.support.backends import sqlite_only

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


@sqlite_only  # the browser's side of the page does not depend on the database
def test_live_server_serves_the_front_page_and_axe_passes_it(page, live_server, axe_check):
    response = page.goto(live_server.url("/"))
    assert response.status == 200
    assert "Delphi" in page.title()
    axe_check(page)


@sqlite_only  # the browser's side of the page does not depend on the database
def test_axe_check_fails_listing_a_violation(page, live_server, axe_check):
    page.goto(live_server.url("/"))
    # An image without a text alternative: a violation axe must report.
    page.evaluate("src => { const img = document.createElement('img'); img.src = src;"
                  " document.querySelector('main').append(img); }", PIXEL)
    with pytest.raises(AssertionError, match="image-alt"):
        axe_check(page)
