"""Feedback drawn once per closed round and kept: each panellist still sees their own rating,
and a change to what the round shows (an erasure, a study setting) is seen on the next request."""
from __future__ import annotations

import re

from delphi.panel.erasure import erase_panellist
from tests.questionnaire.conftest import S11_RATINGS
from tests.support.pages import item_block

OWN_BAR = re.compile(r'<rect class="bar own" x="([\d.]+)"')
ANY_BAR = re.compile(r'<rect class="bar(?: own)?" x="([\d.]+)"')


def _own_point(block: str) -> int:
    """The scale point (1-9) whose bar is drawn as the viewer's own, from the bars' order."""
    xs = ANY_BAR.findall(block)
    (own,) = OWN_BAR.findall(block)
    return xs.index(own) + 1


def test_each_panellist_sees_their_own_rating_on_the_same_chart(client, round_two):
    setting = round_two()
    blocks = []
    for k in (0, 4, 5):  # rated S1.1 as 7, 5 and 2 in round 1
        page = client.get(setting.section_url(1, setting.panel[k])).get_data(as_text=True)
        block = item_block(page, "S1.1")
        assert _own_point(block) == S11_RATINGS[k]
        assert f"Your rating in round 1:\n    <strong>{S11_RATINGS[k]}</strong>" in block
        blocks.append(block)
    # Apart from whose rating is marked, everyone is shown the same chart.
    charts = {re.search(r"<svg.*?</svg>", b, re.S).group(0).replace(' own"', '"')
              for b in blocks}
    assert len(charts) == 1


def test_an_erasure_removes_the_comments_from_feedback_already_drawn(client, db, round_two):
    setting = round_two()
    url = setting.section_url(1)
    before = item_block(client.get(url).get_data(as_text=True), "S1.1")
    assert "Comments from round 1 (2)" in before and "Aardvark remark 1" in before

    erase_panellist(setting.panel[1])  # wrote "Aardvark remark 1"
    db.session.commit()

    after = item_block(client.get(url).get_data(as_text=True), "S1.1")
    assert "Aardvark remark 1" not in after
    assert "Comments from round 1 (1)" in after and "Zebra remark 0" in after


def test_a_changed_group_setting_is_seen_on_the_next_request(client, db, round_two):
    setting = round_two(group_feedback=True, min_group_size=3)  # three panellists per group
    url = setting.section_url(1)
    assert 'class="chart own-group"' in item_block(client.get(url).get_data(as_text=True), "S1.1")

    setting.study.min_group_size = 4
    db.session.commit()
    block = item_block(client.get(url).get_data(as_text=True), "S1.1")
    assert "own-group" not in block and "Whole panel" not in block


def test_scale_labels_are_escaped_and_every_item_gets_its_own_controls(client, db, round_one):
    setting = round_one()
    setting.study.scale_labels = {"1": "<GAP-item> & not <b>bold</b>", "9": "Essential"}
    db.session.commit()
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert "&lt;GAP-item&gt; &amp; not &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>" not in page and "<GAP-" not in page
    part = [ri for ri in setting.round.round_items if ri.section.position == 1]
    assert len(part) == 3
    for ri in part:
        for point in range(1, 10):
            assert page.count(f'id="rating-{ri.id}-{point}" name="rating-{ri.id}" '
                              f'value="{point}">') == 1
        assert page.count(f'id="rating-{ri.id}-unable"') == 1
    assert page.count('type="radio"') == 10 * len(part)


def test_a_draft_never_submitted_is_not_shown_as_the_panellists_rating(client, db, round_one,
                                                                        submit):
    from delphi.rounds.answers import Answer, response_for, save_answers
    from delphi.rounds.lifecycle import close_round
    from delphi.rounds.review import launch_next_round

    setting = round_one()
    round1 = setting.round
    for k, panellist in enumerate(setting.panel[1:]):
        submit(round1, panellist, {ri.code: 1 + 2 * k for ri in round1.round_items})
    s11 = next(ri for ri in round1.round_items if ri.code == "S1.1")
    save_answers(response_for(round1, setting.me), [Answer(s11.id, value=9)], submit=False)
    close_round(round1)
    round2 = launch_next_round(setting.study)
    db.session.commit()

    page = client.get(setting.url(f"/round/{round2.number}/section/1")).get_data(as_text=True)
    block = item_block(page, "S1.1")
    assert "Your rating in round 1:\n    <strong>not rated</strong>" in block
    assert 'class="bar own"' not in block
    assert "5 ratings" in block  # the five submitted, not the draft


def test_a_changed_scale_is_seen_on_the_next_request(client, db, round_one):
    """The scale's choices are drawn once per app and kept by the labels read on each request."""
    setting = round_one()
    setting.study.scale_labels = {"1": "Not important", "9": "Essential"}
    db.session.commit()
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert '<span class="point-label">Essential</span>' in page and "-unable" in page

    setting.study.scale_labels = {"1": "Not important", "9": "Vital"}
    setting.study.unable_to_rate = False
    db.session.commit()
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    assert '<span class="point-label">Vital</span>' in page
    assert "Essential" not in page and "-unable" not in page and "Unable to rate" not in page
