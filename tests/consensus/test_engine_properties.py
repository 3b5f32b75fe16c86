"""Properties over many matrices, checked against numpy and Python's statistics module."""
import statistics
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from hypothesis.extra import numpy as hnp

from delphi.consensus import MISSING, UNABLE, ConsensusSettings, summarise

pytestmark = pytest.mark.slow  # hypothesis: many generated matrices

SCALES = [(1, 9), (1, 5), (0, 10), (1, 7)]


@st.composite
def studies(draw):
    """A consensus definition and a panellists × items matrix on its scale."""
    scale_min, scale_max = draw(st.sampled_from(SCALES))
    settings = ConsensusSettings(
        scale_min=scale_min, scale_max=scale_max,
        quantiles=draw(st.sampled_from(["linear", "weibull"])),
        rule=draw(st.sampled_from(["comet", "percent", "iqr"])),
        min_ratings=draw(st.integers(1, 6)),
    )
    values = list(range(scale_min, scale_max + 1)) + [MISSING, UNABLE]
    shape = (draw(st.integers(0, 25)), draw(st.integers(1, 6)))
    ratings = draw(hnp.arrays(np.int64, shape, elements=st.sampled_from(values)))
    return settings, ratings


def rated(ratings: np.ndarray, column: int, settings: ConsensusSettings) -> np.ndarray:
    values = ratings[:, column]
    return values[values >= settings.scale_min]


@given(studies(), st.randoms(use_true_random=False))
def test_order_of_panellists_does_not_matter(study, random):
    settings, ratings = study
    order = list(range(ratings.shape[0]))
    random.shuffle(order)
    groups = [f"g{row % 3}" for row in range(ratings.shape[0])]
    before = summarise(ratings, settings, groups=groups)
    after = summarise(ratings[order], settings, groups=[groups[row] for row in order])
    assert after == before


@given(studies())
def test_quartiles_are_ordered_and_counts_add_up(study):
    settings, ratings = study
    for column, item in enumerate(summarise(ratings, settings).items):
        assert sum(item.counts.values()) == item.n == rated(ratings, column, settings).size
        assert list(item.counts) == settings.points
        assert item.n + item.n_unable + item.n_missing == ratings.shape[0]
        if item.n:
            assert item.q1 <= item.median <= item.q3
            assert item.p30 <= item.median <= item.p70
            assert abs(item.pct_low + item.pct_mid + item.pct_high - 100) < 1e-9


@given(studies())
def test_quantiles_agree_with_numpy(study):
    settings, ratings = study
    for column, item in enumerate(summarise(ratings, settings).items):
        values = rated(ratings, column, settings)
        if values.size == 0:
            assert item.median is None
            continue
        expected = np.percentile(values, [25, 30, 50, 70, 75], method=settings.quantiles)
        found = [item.q1, item.p30, item.median, item.p70, item.q3]
        np.testing.assert_allclose(found, expected, rtol=0, atol=1e-9)
        assert item.median == statistics.median(values.tolist())


@given(studies())
def test_quartiles_agree_with_the_statistics_module(study):
    """statistics.quantiles: "inclusive" is type 7, "exclusive" type 6 (which extrapolates
    beyond the data below three values, where type 6 is clipped to the data)."""
    settings, ratings = study
    method = "inclusive" if settings.quantiles == "linear" else "exclusive"
    for column, item in enumerate(summarise(ratings, settings).items):
        values = rated(ratings, column, settings).tolist()
        if len(values) >= (2 if method == "inclusive" else 3):
            q1, median, q3 = statistics.quantiles(values, n=4, method=method)
            assert abs(item.q1 - q1) < 1e-9 and abs(item.q3 - q3) < 1e-9
            assert abs(item.median - median) < 1e-9


@given(studies())
def test_mean_and_sd_agree_with_the_statistics_module(study):
    settings, ratings = study
    for column, item in enumerate(summarise(ratings, settings).items):
        values = rated(ratings, column, settings).tolist()
        if values:
            assert abs(item.mean - statistics.fmean(values)) < 1e-9
        if len(values) >= 2:
            assert abs(item.sd - statistics.stdev(values)) < 1e-9
        else:
            assert item.sd is None


@given(st.sampled_from(SCALES), st.integers(1, 40), st.sampled_from(["linear", "weibull"]),
       st.data())
def test_equal_ratings_have_no_spread(scale, n, quantiles, data):
    point = data.draw(st.integers(*scale))
    settings = ConsensusSettings(scale_min=scale[0], scale_max=scale[1], quantiles=quantiles)
    item = summarise(np.full((n, 1), point), settings).items[0]
    assert item.iqr == 0 and item.q1 == item.q3 == item.median == point
    if n >= 2:
        assert item.sd == 0


@hypothesis_settings(max_examples=50)
@given(studies())
def test_status_follows_the_rule_in_exact_fractions(study):
    """The status recomputed with Python fractions, independently of the engine's arrays."""
    settings, ratings = study
    low_to, high_from = settings.low_region[1], settings.high_region[0]
    for column, item in enumerate(summarise(ratings, settings).items):
        values = rated(ratings, column, settings).tolist()
        n = len(values)
        if n < settings.min_ratings:
            assert item.status == "none"
            continue
        low = Fraction(sum(v <= low_to for v in values) * 100, n)
        high = Fraction(sum(v >= high_from for v in values) * 100, n)
        if settings.rule == "comet":
            expected = ("in" if high >= settings.agreement and low < settings.opposite_max else
                        "out" if low >= settings.agreement and high < settings.opposite_max else
                        "none")
        elif settings.rule == "percent":
            expected = ("in" if high >= settings.percent else
                        "out" if low >= settings.percent else "none")
        else:
            q1, _, q3 = np.percentile(values, [25, 50, 75], method=settings.quantiles)
            median = statistics.median(values)
            narrow = round(q3 - q1, 9) <= settings.effective_iqr_max
            expected = ("in" if narrow and median >= high_from else
                        "out" if narrow and median <= low_to else "none")
        assert item.status == expected
        assert item.reason.startswith(expected + ": ")
