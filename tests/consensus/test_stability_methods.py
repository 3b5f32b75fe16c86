"""The Wilcoxon variant a study chooses, the net-change stability measure and the records of
items that cannot be compared; every expected number worked out here by hand."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from delphi.consensus import ConsensusError, ConsensusSettings, stability
from delphi.consensus.stability import REWORDED, ItemStability, wilcoxon_p

# Seven panellists, before and after. The differences before - after are -1 0 -1 -1 2 -2 -1: the
# zero is dropped (n = 6); |d| = 1 1 1 1 2 2 take the average ranks 2.5 (four tied at ranks 1-4)
# and 5.5 (two tied at ranks 5-6). The one positive difference has rank 5.5: S+ = 5.5,
# S- = 21 - 5.5 = 15.5.
BEFORE = [5, 6, 7, 8, 9, 3, 4]
AFTER = [6, 6, 8, 9, 7, 5, 5]
RANKS = [2.5, 2.5, 2.5, 2.5, 5.5, 5.5]  # of the six nonzero differences, in the order above
POSITIVE = [False, False, False, False, True, False]


def _spss_p() -> float:
    """SPSS's Z from its documented formula, and the two-sided normal p (no scipy)."""
    n, smaller = 6, 5.5
    ties = [4, 2]
    mean = n * (n + 1) / 4  # 10.5
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in ties) / 48  # 21.375
    z = (smaller - mean) / math.sqrt(variance)
    assert z == pytest.approx(-1.0815, abs=1e-4)
    return math.erfc(abs(z) / math.sqrt(2))  # 2 * Phi(-|z|)


def _sign_flip_p() -> float:
    """Every one of the 2**6 sign assignments of the ranks is equally likely under the null."""
    observed = sum(r for r, positive in zip(RANKS, POSITIVE) if positive)
    sums = [sum(r for r, s in zip(RANKS, signs) if s)
            for signs in itertools.product([False, True], repeat=len(RANKS))]
    low = sum(total <= observed for total in sums) / len(sums)
    high = sum(total >= observed for total in sums) / len(sums)
    return min(1.0, 2 * min(low, high))


def test_the_spss_style_p_is_the_normal_approximation_with_tie_correction():
    p = wilcoxon_p(np.array(BEFORE), np.array(AFTER), "asymptotic")
    assert p == pytest.approx(_spss_p(), rel=1e-12)
    assert p == pytest.approx(0.2795, abs=1e-4)


def test_the_default_counts_sign_flips_on_a_small_panel_and_differs_from_spss():
    exact = wilcoxon_p(np.array(BEFORE), np.array(AFTER), "exact_small_panels")
    assert exact == pytest.approx(_sign_flip_p(), rel=1e-12)
    # Rank sums of 5.5 or less: 0, 2.5 (4 ways), 5 (6 ways) and 5.5 (2 ways), 13 of 64.
    assert exact == pytest.approx(26 / 64)
    assert abs(exact - _spss_p()) > 0.05


def test_the_study_setting_chooses_the_variant():
    previous, current = np.array([BEFORE]).T, np.array([AFTER]).T
    spss = stability(previous, current, ConsensusSettings(wilcoxon="asymptotic"))[0]
    default = stability(previous, current, ConsensusSettings())[0]
    assert spss.wilcoxon_p == pytest.approx(_spss_p(), rel=1e-12)
    assert default.wilcoxon_p == pytest.approx(26 / 64)


def test_an_unknown_variant_is_refused_by_name():
    with pytest.raises(ConsensusError, match=r"wilcoxon \('spss'\) must be one of"):
        ConsensusSettings(wilcoxon="spss")


# Ten panellists; round 1 gives 7 7 7 7 8 8 8 8 9 9, round 2 8 7 8 7 8 8 8 9 9 9. Three of ten
# changed their rating (30%). The distribution at 7/8/9 goes from 40/40/20% to 20/50/30%: half
# of |20| + |10| + |10| is a net change of 20% (counts 4 4 2 -> 2 5 3: 4 units of change, 2 net
# person-changes of 10).
ROUND_1 = np.array([[7, 7, 7, 7, 8, 8, 8, 8, 9, 9]]).T
ROUND_2 = np.array([[8, 7, 8, 7, 8, 8, 8, 9, 9, 9]]).T


@pytest.mark.parametrize("net_change_max, stable", [(25, True), (21, True), (20, False)])
def test_net_change_decides_stability_below_its_threshold(net_change_max, stable):
    chosen = ConsensusSettings(stability_measure="net_change", net_change_max=net_change_max)
    result = stability(ROUND_1, ROUND_2, chosen)[0]
    assert result.net_change == 20.0
    assert result.pct_changed == 30.0
    assert result.stable is stable
    assert result.measure == "net_change"  # the record says which measure decided


def test_the_per_panellist_measure_stays_the_default_with_net_change_beside_it():
    result = stability(ROUND_1, ROUND_2, ConsensusSettings(stability_max=25))[0]
    assert (result.pct_changed, result.net_change, result.stable) == (30.0, 20.0, False)


def test_a_reworded_item_is_recorded_as_not_comparable():
    record = ItemStability.not_comparable().to_dict()
    assert record["comparison"] == REWORDED == "not comparable (reworded)"
    assert all(record[key] is None for key in
               ("pct_changed", "mean_abs_change", "pct_region_changed", "net_change",
                "wilcoxon_p", "stable"))
    assert ItemStability.from_dict(record) == ItemStability.not_comparable()


def test_a_record_frozen_before_net_change_still_reads():
    old = {"n_paired": 2, "pct_changed": 50.0, "mean_abs_change": 0.5,
           "pct_region_changed": 0.0, "wilcoxon_p": None, "stable": False}
    read = ItemStability.from_dict(old)
    assert (read.net_change, read.comparison) == (None, "same wording")


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 9), min_size=n, max_size=n),
    st.lists(st.integers(1, 9), min_size=n, max_size=n),
    st.permutations(range(n)))))
def test_net_change_depends_only_on_the_two_distributions(case):
    before, after, order = case
    settings = ConsensusSettings()
    result = stability(np.array([before]).T, np.array([after]).T, settings)[0]
    shuffled = stability(np.array([before]).T, np.array([[after[i] for i in order]]).T,
                         settings)[0]
    assert shuffled.net_change == pytest.approx(result.net_change)
    # Every net person-change is a panellist who changed; not every change is net.
    assert result.net_change <= result.pct_changed + 1e-9
    by_hand = 50 * sum(abs(after.count(p) - before.count(p)) for p in range(1, 10)) / len(before)
    assert result.net_change == pytest.approx(by_hand)


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.integers(2, 20).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 9), min_size=n, max_size=n),
    st.lists(st.integers(-3, 3), min_size=n, max_size=n))))
def test_the_spss_style_p_follows_the_formula_at_every_size(pairs):
    before, shift = pairs
    after = [min(9, max(1, b + s)) for b, s in zip(before, shift)]
    d = [b - a for b, a in zip(before, after) if b != a]
    if not d:
        return
    order = sorted(abs(x) for x in d)
    rank = {v: (order.index(v) + 1 + len(order) - order[::-1].index(v)) / 2 for v in order}
    plus = sum(rank[abs(x)] for x in d if x > 0)
    n = len(d)
    ties = [order.count(v) for v in set(order)]
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in ties) / 48
    z = (min(plus, n * (n + 1) / 2 - plus) - n * (n + 1) / 4) / math.sqrt(variance)
    expected = math.erfc(abs(z) / math.sqrt(2))
    got = wilcoxon_p(np.array(before), np.array(after), "asymptotic")
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_spss_style_p_agrees_with_scipys_asymptotic_method():
    from scipy import stats

    before, after = np.array(BEFORE), np.array(AFTER)
    expected = stats.wilcoxon(before, after, method="asymptotic", keepdims=True).pvalue[0]
    assert wilcoxon_p(before, after, "asymptotic") == pytest.approx(expected, rel=1e-12)
