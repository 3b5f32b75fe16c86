"""How "unable to rate" counts: left out of every percentage (the default) or in its denominator
as not agreeing; hand-made cases under the COMET 70/15 rule and the percent rule."""
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from delphi.consensus import MISSING, UNABLE, ConsensusError, ConsensusSettings, summarise

COUNTED = {"unable_counts": "not_agreeing"}


def _column(*values):
    return [[v] for v in values]


# Six rate high (8), one low (2), one middle (5), two unable to rate. Left out: 6/8 = 75% high,
# 1/8 = 12.5% low, in under COMET 70/15. Counted: 6/10 = 60% high, below 70%: no consensus.
SIX_HIGH = _column(8, 8, 8, 8, 8, 8, 2, 5, UNABLE, UNABLE)


def test_left_out_by_default():
    item = summarise(SIX_HIGH, ConsensusSettings()).items[0]
    assert (item.n, item.n_unable) == (8, 2)
    assert (item.pct_high, item.pct_low, item.pct_mid) == (75.0, 12.5, 12.5)
    assert item.status == "in"
    assert item.explanation == "75% rated 7-9 (at least 70% needed), 13% rated 1-3 (fewer than 15% allowed)"


def test_counted_as_not_agreeing_lowers_the_agreement():
    item = summarise(SIX_HIGH, ConsensusSettings(**COUNTED)).items[0]
    assert item.n == 8  # statistics stay over ratings on the scale
    assert (item.pct_high, item.pct_low, item.pct_mid) == (60.0, 10.0, 10.0)  # 80%: 20% unable
    assert item.median == 8.0
    assert item.status == "none"
    assert item.explanation.startswith("60% rated 7-9")


def test_counted_as_not_agreeing_can_also_lower_the_opposite_share():
    # Eleven high, two low, one unable. Left out: 2/13 = 15.4% low, not fewer than 15%: none.
    # Counted: 11/14 = 78.6% high and 2/14 = 14.3% low: in.
    ratings = _column(*[9] * 11, 1, 1, UNABLE)
    assert summarise(ratings, ConsensusSettings()).items[0].status == "none"
    counted = summarise(ratings, ConsensusSettings(**COUNTED)).items[0]
    assert counted.status == "in"
    assert counted.pct_low == pytest.approx(100 * 2 / 14)


def test_the_percent_rule_counts_the_same_way():
    # Left out: 6/8 = 75%, exactly the 75% needed; counted: 6/10 = 60%.
    left_out = ConsensusSettings(rule="percent")
    counted = ConsensusSettings(rule="percent", **COUNTED)
    assert summarise(SIX_HIGH, left_out).items[0].status == "in"
    assert summarise(SIX_HIGH, counted).items[0].status == "none"


def test_unable_answers_do_not_make_up_the_minimum_number_of_ratings():
    ratings = _column(8, 8, 8, 8, UNABLE, UNABLE)
    item = summarise(ratings, ConsensusSettings(**COUNTED)).items[0]
    assert (item.status, item.explanation) == ("none", "only 4 ratings (at least 5 needed)")


def test_an_unknown_choice_is_refused_by_name():
    with pytest.raises(ConsensusError, match=r"unable_counts \('disagree'\) must be one of"):
        ConsensusSettings(unable_counts="disagree")


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, UNABLE, MISSING]), min_size=1,
                max_size=30))
def test_every_share_is_of_the_ratings_and_unable_answers(column):
    rated = [v for v in column if v >= 1]
    unable = column.count(UNABLE)
    left_out = summarise(_column(*column), ConsensusSettings()).items[0]
    counted = summarise(_column(*column), ConsensusSettings(**COUNTED)).items[0]
    if not rated:
        assert counted.pct_high is None
        return
    high = sum(v >= 7 for v in rated)
    assert counted.pct_high == pytest.approx(100 * high / (len(rated) + unable))
    assert left_out.pct_high == pytest.approx(100 * high / len(rated))
    # Only the percentages move; the statistics are of the ratings on the scale.
    assert (counted.median, counted.iqr, counted.n) == (left_out.median, left_out.iqr, left_out.n)
    if unable == 0:
        assert counted == left_out
