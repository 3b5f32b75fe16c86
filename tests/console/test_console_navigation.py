"""The study navigation links every console page that exists, the review once a round closed."""
from __future__ import annotations

import re

from delphi.rounds.lifecycle import close_round, open_round


def _nav(page: str) -> dict[str, str]:
    nav = page.split('aria-label="Study"')[1].split("</nav>")[0]
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def test_the_navigation_follows_the_study(client, db, login_as, make_study, make_panel):
    study = make_study(slug="nav")
    make_panel(study, n=2)
    login_as("coordinator", studies=[study])
    links = _nav(client.get("/console/studies/nav/panel").get_data(as_text=True))
    assert links["Set-up"] == "/console/studies/nav/setup"
    assert links["Panel"] == "/console/studies/nav/panel"
    assert links["Audit"] == "/console/studies/nav/audit"
    assert "Review" not in links  # nothing to review before a round closes
    round_ = open_round(study)
    close_round(round_)
    db.session.commit()
    links = _nav(client.get("/console/studies/nav/panel").get_data(as_text=True))
    assert links["Rounds"] == "/console/studies/nav/rounds/"
    assert links["Review"] == "/console/studies/nav/rounds/1/review"
