"""The open round's dashboard, the closed round's review and an item's rewording page at 20,000
panellists: as many SQL statements as for a panel of 20, the first names and comments rather
than every one, and every count right.

Half of each panel submits (a comment on every third rating), the other half never starts, so
both the response counts and the lists of those not submitted are exercised.
"""
from __future__ import annotations

import re

from delphi.models import Round
from delphi.rounds.lifecycle import close_round
from tests.support import data
from tests.support.statements import sign_in_admin

ITEMS = 4
COMMENT_EVERY = 3


def _statements(client, count_queries, db, path: str) -> tuple[int, str]:
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements), response.get_data(as_text=True)


def _panel_of(db, client, count_queries, panellists: int) -> dict:
    """Build a study of ``panellists`` (half submit), read its dashboard, close round 1 and
    read its review; the statements each page ran and the pages."""
    slug = f"scale-{panellists}"
    study = data.make_study(slug, ITEMS, sections=2, group_feedback=True, min_group_size=3,
                            reason_outside_iqr=True)
    panel = data.add_panel(study, panellists)
    round_ = data.open_round_one(study)
    submitting = panel[: panellists // 2]
    data.submit_all(round_, submitting,
                    data.random_ratings(len(submitting), ITEMS, (1, 9), 0.1),
                    comment_every=COMMENT_EVERY)
    db.session.commit()
    round_id = round_.id
    base = f"/console/studies/{slug}/rounds"
    dashboard = _statements(client, count_queries, db, f"{base}/")
    close_round(db.session.get(Round, round_id))
    db.session.commit()
    review = _statements(client, count_queries, db, f"{base}/1/review")
    first_item = re.search(r'href="([^"]*/items/\d+/reword)"', review[1]).group(1)
    reword = _statements(client, count_queries, db, first_item)
    return {"dashboard": dashboard, "review": review, "reword": reword}


def test_the_dashboard_and_review_at_20000_panellists(app, db, client, count_queries):
    sign_in_admin(client)
    small, large = (_panel_of(db, client, count_queries, size) for size in (20, 20_000))
    for page in ("dashboard", "review", "reword"):
        assert small[page][0] == large[page][0], (page, small[page][0], large[page][0])
    _dashboard_counts_everyone_and_names_a_page(large["dashboard"][1], small["dashboard"][1])
    _review_counts_every_comment_and_shows_the_first(large["review"][1])
    reword = large["reword"][1]
    first = sum(1 for row in range(10_000) if (row * ITEMS + 1) % COMMENT_EVERY == 0)
    assert reword.count("<dd>Comment ") == 500
    assert f"The first 500 of {first} comments are shown" in reword


def _dashboard_counts_everyone_and_names_a_page(page: str, small: str) -> None:
    assert "10000 of 20000 panellists submitted (50%)" in page
    assert "0 with a draft; 10000 not started." in page
    assert "Not started (10000)" in page
    waiting = re.search(r'<ul class="waiting">(.*?)</ul>', page, flags=re.S).group(1)
    assert waiting.count("<li>") == 50
    assert "And 9950 more, not named here" in page
    # Panellists join with ids in pseudonym order and groups in turn; the first 50 names of the
    # first group (alphabetically), Clinicians, are the unsubmitted P10002, P10005, ...
    assert "Panellist 10002 (P10002, Clinicians)" in waiting
    assert "10 of 20 panellists submitted (50%)" in small
    assert "more, not named here" not in small


def _review_counts_every_comment_and_shows_the_first(page: str) -> None:
    # Rating rows are numbered panellist by panellist, item by item; every third has a comment.
    for column in range(ITEMS):
        comments = sum(1 for row in range(10_000)
                       if (row * ITEMS + column + 1) % COMMENT_EVERY == 0)
        assert f"<summary>{comments} comments" in page
    assert page.count('<dl class="comments">') == ITEMS
    assert page.count("Read more beside the wording of") == ITEMS
    assert page.count("<dd>Comment ") == 25 * ITEMS
