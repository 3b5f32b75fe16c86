"""The histogram's geometry and words, from a summary written by hand."""
from __future__ import annotations

from delphi.consensus import ItemSummary
from delphi.questionnaire.charts import BAR_AREA, STEP, histogram, number


def _summary(**fields) -> ItemSummary:
    base = dict(n=4, n_unable=1, n_missing=0, counts={1: 0, 2: 1, 3: 0, 4: 2, 5: 1},
                median=4.0, q1=3.5, q3=4.25, iqr=0.75, mean=3.75, sd=1.26, p30=3.9, p70=4.0,
                ipr=0.1, ipr_central=3.95, asymmetry=0.0, ipras=2.0, disagreement=False,
                pct_low=25.0, pct_mid=50.0, pct_high=25.0, status="none",
                reason="no region reached")
    base.update(fields)
    return ItemSummary(**base)


def test_bars_are_proportional_and_the_median_and_iqr_sit_on_the_scale():
    chart = histogram(_summary(), 1, 5, own=4, high_region=(4, 5))
    heights = {bar.point: bar.height for bar in chart.bars}
    assert heights == {1: 0, 2: BAR_AREA / 2, 3: 0, 4: BAR_AREA, 5: BAR_AREA / 2}
    centre = {bar.point: bar.centre for bar in chart.bars}
    assert chart.median_x == centre[4]
    assert chart.iqr_x[0] < centre[3] + STEP / 2 < centre[4] < chart.iqr_x[1] < centre[5]
    assert [bar.point for bar in chart.bars if bar.own] == [4]


def test_the_text_equivalent_says_what_the_chart_shows():
    chart = histogram(_summary(), 1, 5, high_region=(4, 5))
    assert chart.description == (
        "4 panellists rated this item: 0 rated 1, 1 rated 2, 0 rated 3, 2 rated 4, 1 rated 5. "
        "1 was unable to rate it. Median 4. The middle half of ratings lies from 3.5 to 4.25. "
        "25% rated 4 to 5.")


def test_numbers_are_written_without_trailing_zeros():
    assert [number(7.0), number(6.5), number(6.25), number(None)] == ["7", "6.5", "6.25", "none"]
