"""Stability between rounds, by hand, and the Wilcoxon p-value against scipy called directly."""
import json

import numpy as np
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from scipy import stats

from delphi.consensus import MISSING, UNABLE, ConsensusError, ConsensusSettings, stability
from delphi.consensus.stability import ItemStability, wilcoxon_p

SETTINGS = ConsensusSettings()

PREVIOUS = np.array([
    [5, 4, 7, UNABLE],
    [6, 4, MISSING, 3],
    [7, 4, UNABLE, 3],
    [8, 4, 2, MISSING],
    [9, 4, 8, 5],
    [UNABLE, 4, 9, MISSING],
    [3, MISSING, 9, 5],
])
CURRENT = np.array([
    [5, 4, 8, 6],
    [7, 4, 5, MISSING],
    [7, 4, 6, UNABLE],
    [6, 4, MISSING, 2],
    [9, 4, UNABLE, UNABLE],
    [8, 4, UNABLE, 4],
    [MISSING, 4, UNABLE, UNABLE],
])


def test_stability_by_hand():
    first, same, single, nobody = stability(PREVIOUS, CURRENT, SETTINGS)
    # Rows 0-4 rated the first item in both rounds: 5->5, 6->7, 7->7, 8->6, 9->9.
    assert first.n_paired == 5
    assert first.pct_changed == 40.0  # 2 of 5
    assert first.mean_abs_change == pytest.approx(0.6)  # (1 + 2) / 5
    assert first.pct_region_changed == 40.0  # 6 (middle) -> 7 (high), 8 (high) -> 6 (middle)
    assert first.stable is False
    # Counts at 5-9 go from 1 1 1 1 1 to 1 1 2 0 1: two units of change, one net person-change
    # of five panellists.
    assert first.net_change == 20.0
    assert first.wilcoxon_p == stats.wilcoxon([5, 6, 7, 8, 9], [5, 7, 7, 6, 9]).pvalue
    # Six panellists kept 4: nothing changed, and the test has no nonzero difference.
    assert (same.n_paired, same.pct_changed, same.stable, same.wilcoxon_p) == (6, 0.0, True, None)
    # One pair (7 -> 8) is not enough for a test.
    assert (single.n_paired, single.pct_changed, single.wilcoxon_p) == (1, 100.0, None)
    assert single.pct_region_changed == 0.0
    assert nobody == ItemStability(n_paired=0, pct_changed=None, mean_abs_change=None,
                                   pct_region_changed=None, net_change=None, wilcoxon_p=None,
                                   stable=None)
    assert nobody.comparison == "same wording"


@pytest.mark.parametrize("changed, stability_max, stable", [
    (2, 15, True),  # 10% < 15%
    (3, 15, False),  # exactly 15% is not below 15%
    (3, 20, True),
])
def test_stable_below_the_threshold(changed, stability_max, stable):
    previous = np.full((20, 1), 7)
    current = previous.copy()
    current[:changed] = 8
    result = stability(previous, current, ConsensusSettings(stability_max=stability_max))[0]
    assert result.pct_changed == pytest.approx(100 * changed / 20)
    assert result.stable is stable


def test_regions_follow_the_settings():
    previous, current = np.array([[3], [4], [7]]), np.array([[4], [5], [8]])
    assert stability(previous, current, SETTINGS)[0].pct_region_changed == pytest.approx(100 / 3)
    moved = stability(previous, current, ConsensusSettings(low_to=4, high_from=8))[0]
    assert moved.pct_region_changed == pytest.approx(200 / 3)  # 4 -> 5 and 7 -> 8


def test_matrices_must_match():
    with pytest.raises(ConsensusError, match="same shape"):
        stability(np.full((3, 2), 5), np.full((3, 3), 5), SETTINGS)
    with pytest.raises(ConsensusError, match=r"current row 1 \(panellist\), column 0"):
        stability(np.full((3, 1), 5), np.array([[5], [12], [5]]), SETTINGS)


def test_record_round_trips_through_json():
    for result in stability(PREVIOUS, CURRENT, SETTINGS):
        record = json.loads(json.dumps(result.to_dict()))
        assert ItemStability.from_dict(record) == result
        assert list(record) == ["n_paired", "pct_changed", "mean_abs_change",
                                "pct_region_changed", "net_change", "wilcoxon_p", "stable",
                                "comparison", "measure"]


@pytest.mark.parametrize("before, after", [
    # Thirteen pairs with ties and a zero: scipy enumerates all 2**13 sign flips.
    ([5, 6, 7, 8, 9, 3, 4, 5, 6, 7, 8, 2, 5], [6, 6, 8, 9, 7, 5, 5, 7, 5, 8, 9, 3, 4]),
    # Fourteen pairs with ties: normal approximation.
    ([5, 6, 7, 8, 9, 3, 4, 5, 6, 7, 8, 2, 5, 1], [6, 6, 8, 9, 7, 5, 5, 7, 5, 8, 9, 3, 4, 4]),
    # Distinct nonzero differences: the exact distribution.
    ([1, 2, 3, 4, 5, 6], [2, 4, 6, 1, 10, 0]),
    ([1, 1], [2, 1]),
])
def test_wilcoxon_matches_scipy(before, after):
    expected = stats.wilcoxon(before, after).pvalue
    assert wilcoxon_p(np.array(before), np.array(after)) == pytest.approx(expected, rel=1e-12)


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 9), min_size=n, max_size=n),
    st.lists(st.integers(-3, 3), min_size=n, max_size=n))))
def test_small_panels_match_scipy(pairs):
    """Where scipy enumerates sign flips (ties or zeros, n <= 13) the engine counts them."""
    before, shift = pairs
    after = [min(9, max(1, b + s)) for b, s in zip(before, shift)]
    result = stability(np.array([before]).T, np.array([after]).T, SETTINGS)[0]
    if before == after:
        assert result.wilcoxon_p is None
    else:
        assert result.wilcoxon_p == pytest.approx(stats.wilcoxon(before, after).pvalue,
                                                  rel=1e-12)
