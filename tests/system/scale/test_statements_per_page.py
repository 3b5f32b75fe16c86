"""Pages that list every item run as many SQL statements for 200 items as for 10.

The questionnaire, dashboard and review owners test 10 against 100 items; this extends it to the
200 items of a large study, on one study built through the real round operations.
"""
from __future__ import annotations

from tests.support.statements import SIZES, sign_in_admin, statements_per_page

PAGES = {"dashboard", "review", "welcome", "questionnaire section", "questionnaire review",
         "my answers"}


def test_statements_per_page_do_not_grow_from_10_to_200_items(app, db, client, count_queries):
    sign_in_admin(client)
    small, large = (statements_per_page(client, items, count_queries) for items in SIZES)
    assert set(small) == set(large) == PAGES
    assert small == large
    assert all(count > 0 for count in small.values()), small


def test_the_large_pages_show_every_item(app, db, client, count_queries):
    sign_in_admin(client)
    statements_per_page(client, 200, count_queries)
    page = client.get("/console/studies/statements-200/rounds/1/review")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "S10.200" in text and "S1.1<" in text


def test_the_dashboard_and_review_run_as_many_statements_for_300_panellists_as_for_20(
        app, db, client, count_queries):
    from tests.support.statements import PANEL_SIZES, console_statements_by_panel

    sign_in_admin(client)
    small, large = (console_statements_by_panel(client, size, count=count_queries)
                    for size in PANEL_SIZES)
    assert set(small) == {"dashboard", "review"}
    assert small == large, (small, large)
    for size in PANEL_SIZES:
        page = client.get(f"/console/studies/panel-{size}/rounds/1/review")
        assert page.status_code == 200 and "S10.20" in page.get_data(as_text=True)
