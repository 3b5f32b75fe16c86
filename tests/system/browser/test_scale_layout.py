"""At 375 px (a common phone) the 1-9 scale wraps into full rows, not five points and four."""
from __future__ import annotations

import os

from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import open_round
from tests.support.backends import sqlite_only


@sqlite_only  # the browser's side of the page does not depend on the database
def test_the_nine_point_scale_wraps_into_equal_rows_on_a_phone(browser, live_server, db,
                                                               make_study, make_panel):
    study = make_study(sections=1, items_per_section=1)
    panellist = make_panel(study, n=1)[0]
    item = open_round(study).round_items[0]
    db.session.commit()
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url(f"/p/{token_for(panellist)}/round/1/section/1"))
        page.wait_for_load_state("networkidle")  # every file served whole before the page closes
        rows: dict[int, list[int]] = {}
        for point in range(1, 10):
            box = page.locator(f"label[for='rating-{item.id}-{point}']").bounding_box()
            rows.setdefault(round(box["y"]), []).append(point)
        assert list(rows.values()) == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        if os.environ.get("DELPHI_SCREENSHOTS"):
            page.locator(f"#item-{item.id}").screenshot(path=os.environ["DELPHI_SCREENSHOTS"])
    finally:
        context.close()
