"""The issue's worked examples and the counting rules, with numbers worked out by hand."""
import numpy as np
import pytest

from delphi.consensus import MISSING, UNABLE, ConsensusSettings, summarise


def column(*ratings: int) -> np.ndarray:
    """One item rated by len(ratings) panellists."""
    return np.array(ratings, dtype=np.int64).reshape(-1, 1)


def from_counts(counts: list[int], start: int = 1) -> np.ndarray:
    """One item whose scale points start, start + 1, ... were chosen counts[i] times."""
    return column(*np.repeat(np.arange(start, start + len(counts)), counts))


FIRST = column(1, 2, 3, 4, 5, 6, 7, 8, 9, 9)
SECOND = from_counts([0, 0, 0, 1, 1, 1, 5, 5, 2])


def test_first_example_linear():
    item = summarise(FIRST, ConsensusSettings()).items[0]
    assert item.n == 10
    assert item.median == 5.5
    assert (item.q1, item.q3, item.iqr) == (3.25, 7.75, 4.5)
    assert (item.pct_high, item.pct_mid, item.pct_low) == (40.0, 30.0, 30.0)
    assert item.p30 == pytest.approx(3.7) and item.p70 == pytest.approx(7.3)
    assert item.ipr == pytest.approx(3.6)
    assert item.ipr_central == pytest.approx(5.5)
    assert item.asymmetry == pytest.approx(0.5)
    assert item.ipras == pytest.approx(3.10)
    assert item.disagreement is True
    assert item.status == "none"
    assert item.reason == "none: 40% rated 7-9 and 30% rated 1-3 (at least 70% in one region needed)"


def test_first_example_weibull():
    item = summarise(FIRST, ConsensusSettings(quantiles="weibull")).items[0]
    assert item.median == 5.5
    assert (item.q1, item.q3, item.iqr) == (2.75, 8.25, 5.5)
    # Type 6 by hand: P30 at position 0.3 * 11 = 3.3 -> 3 + 0.3; P70 at 7.7 -> 7 + 0.7 * (8 - 7).
    assert item.p30 == pytest.approx(3.3) and item.p70 == pytest.approx(7.7)


def test_first_example_mean_and_sd():
    item = summarise(FIRST, ConsensusSettings()).items[0]
    assert item.mean == pytest.approx(5.4)
    # Sum of squared deviations from 5.4 is 74.4; over n - 1 = 9.
    assert item.sd == pytest.approx((74.4 / 9) ** 0.5)


@pytest.mark.parametrize("quantiles", ["linear", "weibull"])
def test_second_example(quantiles):
    item = summarise(SECOND, ConsensusSettings(quantiles=quantiles)).items[0]
    assert item.n == 15
    assert item.counts == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1, 7: 5, 8: 5, 9: 2}
    assert (item.median, item.q1, item.q3, item.iqr) == (7.0, 7.0, 8.0, 1.0)
    assert (item.pct_high, item.pct_low) == (80.0, 0.0)
    assert (item.p30, item.p70, item.ipr) == (7.0, 8.0, 1.0)
    assert item.asymmetry == 2.5
    assert item.ipras == pytest.approx(6.10)
    assert item.disagreement is False
    assert item.status == "in"
    assert item.reason == ("in: 80% rated 7-9 (at least 70% needed), "
                           "0% rated 1-3 (fewer than 15% allowed)")


def test_second_example_rand():
    item = summarise(SECOND, ConsensusSettings(rule="rand")).items[0]
    assert item.status == "in"
    assert item.reason == "in: median 7 in 7-9 without disagreement (IPR 1 not above IPRAS 6.1)"


def test_seven_of_ten_meets_seventy_percent():
    item = summarise(column(7, 7, 8, 8, 9, 9, 9, 5, 5, 6), ConsensusSettings()).items[0]
    assert item.status == "in"
    assert item.reason.startswith("in: 70% rated 7-9 (at least 70% needed)")


def test_percent_compared_in_integers_where_floats_fail():
    # 57 of 100 is exactly 57%, but 57 / 100 * 100 is 56.99999999999999 in floating point.
    assert 57 / 100 * 100 < 57
    ratings = column(*[8] * 57, *[5] * 43)
    settings = ConsensusSettings(rule="comet", agreement=57, opposite_max=10)
    assert summarise(ratings, settings).items[0].status == "in"
    assert summarise(ratings, ConsensusSettings(rule="percent", percent=57)).items[0].status == "in"


def test_just_below_threshold_is_not_shown_as_the_threshold():
    # 16 of 23 is 69.57%: rounded it would read "70%" beside "at least 70% needed".
    item = summarise(column(*[8] * 16, *[5] * 7), ConsensusSettings()).items[0]
    assert item.status == "none"
    assert item.reason.startswith("none: 69.5% rated 7-9")


def test_unable_and_missing_are_counted_apart_and_never_divide():
    ratings = column(8, 8, 8, 8, 2, 5, UNABLE, UNABLE, UNABLE, MISSING, MISSING)
    item = summarise(ratings, ConsensusSettings()).items[0]
    assert (item.n, item.n_unable, item.n_missing) == (6, 3, 2)
    assert sum(item.counts.values()) == 6
    assert item.pct_high == pytest.approx(100 * 4 / 6)
    assert item.pct_low == pytest.approx(100 * 1 / 6)
    assert item.median == 8.0  # of 2, 5, 8, 8, 8, 8
    assert item.mean == pytest.approx(39 / 6)


def test_too_few_ratings_is_none_whatever_they_say():
    ratings = column(9, 9, 9, UNABLE, UNABLE, MISSING)
    item = summarise(ratings, ConsensusSettings()).items[0]
    assert item.pct_high == 100.0
    assert item.status == "none"
    assert item.reason == "none: only 3 ratings (at least 5 needed)"
    one = summarise(column(9, MISSING), ConsensusSettings()).items[0]
    assert one.reason == "none: only 1 rating (at least 5 needed)"
    assert one.sd is None and one.mean == 9.0


def test_no_ratings_leaves_every_statistic_empty():
    item = summarise(column(UNABLE, MISSING, MISSING), ConsensusSettings()).items[0]
    assert (item.n, item.n_unable, item.n_missing) == (0, 1, 2)
    assert item.counts == {point: 0 for point in range(1, 10)}
    for name in ("median", "q1", "q3", "iqr", "mean", "sd", "p30", "p70", "ipr", "ipr_central",
                 "asymmetry", "ipras", "disagreement", "pct_low", "pct_mid", "pct_high"):
        assert getattr(item, name) is None, name
    assert item.status == "none"
    assert item.reason == "none: no ratings (at least 5 needed)"


def test_items_keep_their_column_order():
    ratings = np.column_stack([FIRST[:, 0], np.full(10, 8), np.full(10, 2)])
    statuses = [item.status for item in summarise(ratings, ConsensusSettings()).items]
    assert statuses == ["none", "in", "out"]
