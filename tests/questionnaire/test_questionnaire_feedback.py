"""Round 2: feedback from round 1's frozen summary, reasons outside the IQR, group feedback."""
from __future__ import annotations

import re

from delphi.models import Response, ResponseStatus
from tests.support.pages import item_block


def test_feedback_shows_own_rating_distribution_median_iqr_and_comments(client, db, round_two):
    setting = round_two()
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    s11 = item_block(page, "S1.1")
    assert "How the panel rated this item in round 1" in s11
    assert "Your rating in round 1:\n    <strong>7</strong>" in s11
    # By hand from 7 8 8 9 5 2: median 7.5, Q1 5.5, Q3 8, 4 of 6 (67%) in 7-9.
    assert "6 ratings · Median 7.5 · middle half 5.5–8 · 67% rated 7–9" in s11
    assert ("6 panellists rated this item: 0 rated 1, 1 rated 2, 0 rated 3, 0 rated 4, 1 rated 5, "
            "0 rated 6, 1 rated 7, 2 rated 8, 1 rated 9.") in s11
    assert '<svg class="histogram"' in s11 and 'class="bar own"' in s11
    # Comments: collapsible, sorted by text, without names or pseudonyms.
    assert "<summary>Comments from round 1 (2)</summary>" in s11
    assert s11.index("Aardvark remark 1") < s11.index("Zebra remark 0")
    for panellist in setting.panel:
        assert panellist.pseudonym not in page and panellist.name not in page
    # Not pre-selected by default.
    assert "checked" not in s11


def test_a_reworded_item_shows_the_feedback_of_the_wording_it_replaced(client, round_two):
    setting = round_two()
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    block = item_block(page, "S1.2-v2")
    assert "Guidance item 1.2, said more clearly." in block
    assert "This item has been reworded. The results are for the earlier wording" in block
    assert "(S1.2): “Guidance item 1.2.”" in block
    assert "Your rating in round 1:\n    <strong>1</strong>" in block


def test_items_agreed_in_round_one_are_listed_for_information(client, round_two):
    setting = round_two()
    page = client.get(setting.url()).get_data(as_text=True)
    assert "Items already agreed (1), for information" in page
    assert re.search(r"S2\.3</span> Guidance item 2\.3\.\s*<span class=\"muted\">agreed to "
                     r"include in round 1", page)
    assert "S2.3" not in client.get(setting.section_url(2)).get_data(as_text=True)


def test_previous_rating_is_preselected_when_the_study_says_so(client, round_two):
    setting = round_two(preselect_previous=True)
    s11 = setting.item("S1.1")
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert f'id="rating-{s11.id}-7" name="rating-{s11.id}" value="7" checked' in page


def test_a_rating_outside_the_iqr_needs_a_reason_before_submitting(client, db, round_two):
    setting = round_two(reason_outside_iqr=True)
    s11 = setting.item("S1.1")
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert "Reason, if your rating is below 5.5 or above 8" in page
    # 9 is above Q3 = 8: saved as a draft, but flagged and not submittable.
    client.post(setting.section_url(1), data={f"rating-{s11.id}": "9"})
    flagged = client.get(setting.section_url(1)).get_data(as_text=True)
    assert 'role="alert"' in flagged and f'href="#reason-{s11.id}"' in flagged
    assert f'aria-describedby="reason-{s11.id}-error"' in flagged
    refused = client.post(setting.url("/round/2/submit"))
    assert refused.status_code == 422
    assert "Your answers cannot be submitted yet: 1 rating needs a reason" in refused.text
    response = db.session.scalar(db.select(Response).filter_by(
        round_id=setting.round.id, panellist_id=setting.me.id))
    assert response.status is not ResponseStatus.SUBMITTED
    # 5.5 <= 6 <= 8 needs none; 9 with a reason is accepted.
    client.post(setting.section_url(1), data={f"rating-{s11.id}": "9",
                                              f"reason-{s11.id}": "Seen it matter a lot."})
    accepted = client.post(setting.url("/round/2/submit"))
    assert accepted.status_code == 302
    db.session.expire_all()
    assert response.status is ResponseStatus.SUBMITTED
    assert {r.round_item_id: r.reason for r in response.ratings}[s11.id] == "Seen it matter a lot."
    # A submitted response is not changed to a rating outside the IQR without a reason.
    again = client.post(setting.section_url(1), data={f"rating-{s11.id}": "2",
                                                      f"reason-{s11.id}": ""})
    assert again.status_code == 422
    assert "Your changes were not saved" in again.text
    db.session.expire_all()
    assert {r.round_item_id: r.value for r in response.ratings}[s11.id] == 9


def test_group_feedback_shows_only_groups_large_enough_with_own_group_marked(client, round_two):
    # Three panellists per group: shown when the minimum is 3, hidden when it is 4.
    shown = round_two(group_feedback=True, min_group_size=3)
    block = item_block(client.get(shown.section_url(1)).get_data(as_text=True), "S1.1")
    assert "<strong>Whole panel</strong> (6 ratings)" in block
    assert "<strong>Social workers</strong> (your group) (3 ratings)" in block
    assert "<strong>People who use services</strong> (3 ratings)" in block
    # By hand: Social workers (panellists 1, 3, 5) rated 7 8 5 -> median 7, Q1 6, Q3 7.5;
    # the others rated 8 9 2 -> median 8, Q1 5, Q3 8.5; two of three in 7-9 in each.
    assert "Median 7 · middle half 6–7.5 · 67% rated 7–9" in block
    assert "Median 8 · middle half 5–8.5 · 67% rated 7–9" in block
    assert "3 panellists in Social workers rated this item" in block
    assert block.count('class="chart own-group"') == 1


def test_groups_smaller_than_the_minimum_are_not_shown_apart(client, round_two):
    setting = round_two(group_feedback=True, min_group_size=4)
    block = item_block(client.get(setting.section_url(1)).get_data(as_text=True), "S1.1")
    assert "Whole panel" not in block and "Social workers" not in block
    assert "6 ratings · Median 7.5" in block
