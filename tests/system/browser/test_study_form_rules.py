"""The study form in Chromium: its script shows only the chosen rule's settings and sentence."""
from __future__ import annotations

from tests.support.backends import sqlite_only

PASSWORD = "correct horse battery staple"


@sqlite_only  # the browser's side of the page does not depend on the database
def test_only_the_chosen_rules_settings_show(page, live_server, make_staff, db):
    make_staff(email="admin@example.org", role="admin", password=PASSWORD)
    db.session.commit()
    page.goto(live_server.url("/login"))
    page.get_by_label("E-mail").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url("/console/"))
    page.goto(live_server.url("/console/studies/new"))

    def shown() -> dict[str, bool]:
        return {name: page.locator(f"#{name}").is_visible()
                for name in ("agreement_pct", "percent_threshold", "iqr_max", "min_ratings")}

    assert shown() == {"agreement_pct": True, "percent_threshold": False, "iqr_max": False,
                       "min_ratings": True}
    explanations = page.locator(".rule-explanations dd")
    assert [e.is_visible() for e in explanations.all()] == [True, False, False, False]
    page.select_option("#consensus_rule", "iqr")
    assert shown() == {"agreement_pct": False, "percent_threshold": False, "iqr_max": True,
                       "min_ratings": True}
    assert explanations.nth(2).is_visible() and not explanations.nth(0).is_visible()
