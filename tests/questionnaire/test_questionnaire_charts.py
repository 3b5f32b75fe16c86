"""The feedback chart's geometry and words, from a summary written by hand, and as drawn on the
page: the middle-half band spans exactly the quartiles its caption states."""
from __future__ import annotations

import re

from flask import get_template_attribute

from delphi.charts import FEEDBACK, MIN_BAND
from delphi.consensus import ItemSummary
from delphi.questionnaire.feedback import Chart

POINTS = [1, 2, 3, 4, 5]


def _summary(**fields) -> ItemSummary:
    base = dict(n=4, n_unable=1, n_missing=0, counts={1: 0, 2: 1, 3: 0, 4: 2, 5: 1},
                median=4.0, q1=3.5, q3=4.25, iqr=0.75, mean=3.75, sd=1.26, p30=3.9, p70=4.0,
                ipr=0.1, ipr_central=3.95, asymmetry=0.0, ipras=2.0, disagreement=False,
                pct_low=25.0, pct_mid=50.0, pct_high=25.0, status="none",
                explanation="no region reached")
    base.update(fields)
    return ItemSummary(**base)


def test_bars_are_proportional_and_the_median_sits_on_the_scale():
    chart = Chart(_summary(), POINTS, (4, 5)).geometry
    heights = {bar.point: bar.height for bar in chart.bars}
    area = FEEDBACK.bar_area
    assert heights == {1: 0, 2: area / 2, 3: 0, 4: area, 5: area / 2}
    centre = {bar.point: bar.centre for bar in chart.bars}
    assert chart.median_x == centre[4]


def test_the_middle_half_is_drawn_from_q1_to_q3():
    chart = Chart(_summary(), POINTS, (4, 5)).geometry
    centre = {bar.point: bar.centre for bar in chart.bars}
    (band,) = [band for band in chart.bands if band.kind == "iqr"]
    assert band.x == (centre[3] + centre[4]) / 2  # Q1 = 3.5
    assert band.x + band.width == centre[4] + (centre[5] - centre[4]) / 4  # Q3 = 4.25


def test_a_middle_half_of_no_width_is_still_drawn_around_it():
    chart = Chart(_summary(q1=4.0, q3=4.0, iqr=0.0), POINTS, (4, 5)).geometry
    centre = {bar.point: bar.centre for bar in chart.bars}
    (band,) = [band for band in chart.bands if band.kind == "iqr"]
    assert band.width == MIN_BAND and band.x + band.width / 2 == centre[4]


def test_the_text_equivalent_says_what_the_chart_shows():
    chart = Chart(_summary(), POINTS, (4, 5)).geometry
    assert chart.description == (
        "4 panellists rated this item: 0 rated 1, 1 rated 2, 0 rated 3, 2 rated 4, 1 rated 5. "
        "1 was unable to rate it. Median 4. The middle half of ratings lies from 3.5 to 4.25. "
        "25% rated 4 to 5.")


def test_the_chart_kept_per_round_is_the_shared_drawing(app):
    """Feedback joins parts drawn once; they must equal the one ``distribution`` macro."""
    chart = Chart(_summary(), POINTS, (4, 5))
    draw = get_template_attribute("_distribution.html", "distribution")
    for own in (None, 2, 4):
        assert str(chart.svg(own)) == str(draw(chart.geometry, own))
    assert str(chart.svg(4)).count('class="bar own"') == 1


def _attribute(tag: str, name: str) -> float:
    return float(re.search(rf'\b{name}="([\d.]+)"', tag).group(1))


def test_the_band_on_the_page_spans_the_quartiles_in_its_caption(client, round_two):
    setting = round_two()
    page = client.get(setting.section_url(1)).get_data(as_text=True)
    start = page.index('<span class="code">S1.1</span>')
    block = page[start:page.index("</fieldset>", start)]
    # S1.1 was rated 7 8 8 9 5 2: sorted 2 5 7 8 8 9, so (type 7) Q1 = 5 + 0.25 * 2 = 5.5 and
    # Q3 = 8, as the caption says.
    assert "middle half 5.5–8" in block
    svg = re.search(r"<svg.*?</svg>", block, re.S).group(0)
    ticks = {int(point): float(x) for x, point in
             re.findall(r'<text class="tick" x="([\d.]+)"[^>]*>(\d+)</text>', svg)}
    assert sorted(ticks) == list(range(1, 10))
    band = re.search(r'<rect class="iqr"[^>]*>', svg).group(0)
    left, right = _attribute(band, "x"), _attribute(band, "x") + _attribute(band, "width")
    assert abs(left - (ticks[5] + ticks[6]) / 2) < 0.11
    assert abs(right - ticks[8]) < 0.11
    median = re.search(r'<line class="median"[^>]*>', svg).group(0)
    assert abs(_attribute(median, "x1") - (ticks[7] + ticks[8]) / 2) < 0.11  # median 7.5
