"""Each consensus rule's in, out and none, the boundaries, regions and stakeholder groups."""
import numpy as np
import pytest

from delphi.consensus import ConsensusError, ConsensusSettings, summarise


def item(ratings, **settings):
    matrix = np.array(ratings, dtype=np.int64).reshape(-1, 1)
    return summarise(matrix, ConsensusSettings(**settings)).items[0]


def repeat(*pairs):
    """repeat((8, 3), (5, 2)) -> [8, 8, 8, 5, 5]"""
    return [point for point, times in pairs for _ in range(times)]


# --- comet -----------------------------------------------------------------------------------

def test_comet_in_out_none():
    assert item(repeat((8, 8), (5, 2))).status == "in"
    assert item(repeat((2, 8), (5, 2))).status == "out"
    assert item(repeat((8, 6), (5, 4))).status == "none"


def test_comet_out_reason():
    assert item(repeat((2, 8), (5, 1), (9, 1))).reason == (
        "out: 80% rated 1-3 (at least 70% needed), 10% rated 7-9 (fewer than 15% allowed)")


def test_comet_enough_agreement_but_too_many_opposite():
    # 16 of 20 high (80%), 3 of 20 low (15%): 15% is not fewer than 15%.
    found = item(repeat((8, 16), (2, 3), (5, 1)))
    assert found.status == "none"
    assert found.reason == ("none: 80% rated 7-9 (at least 70% needed) but "
                            "15% rated 1-3 (fewer than 15% allowed)")


@pytest.mark.parametrize("inclusive, status", [(False, "none"), (True, "in")])
def test_comet_opposite_exactly_fifteen_percent(inclusive, status):
    # 14 of 20 high (70%), 3 of 20 low (exactly 15%).
    found = item(repeat((8, 14), (1, 3), (5, 3)), opposite_inclusive=inclusive)
    assert found.status == status
    if inclusive:
        assert found.reason == ("in: 70% rated 7-9 (at least 70% needed), "
                                "15% rated 1-3 (at most 15% allowed)")


def test_comet_thresholds_are_configurable():
    ratings = repeat((8, 6), (5, 4))  # 60% high
    assert item(ratings).status == "none"
    assert item(ratings, agreement=60).status == "in"


# --- percent ---------------------------------------------------------------------------------

def test_percent_in_out_none():
    assert item(repeat((8, 15), (2, 5)), rule="percent").status == "in"  # 75% high
    assert item(repeat((1, 15), (9, 5)), rule="percent").status == "out"  # 75% low
    found = item(repeat((8, 14), (5, 6)), rule="percent")  # 70% high
    assert found.status == "none"
    assert found.reason == ("none: 70% rated 7-9 and 0% rated 1-3 "
                            "(at least 75% in one region needed)")


def test_percent_ignores_the_opposite_region():
    found = item(repeat((8, 15), (1, 5)), rule="percent")  # 25% low does not matter
    assert found.status == "in"
    assert found.reason == "in: 75% rated 7-9 (at least 75% needed)"


# --- iqr -------------------------------------------------------------------------------------

def test_iqr_in_out_none():
    # 7,8,8,8,9: Q1 8, Q3 8 (type 7) -> IQR 0, median 8.
    assert item([7, 8, 8, 8, 9], rule="iqr").status == "in"
    assert item([1, 2, 2, 2, 3], rule="iqr").status == "out"
    found = item([4, 5, 5, 5, 6], rule="iqr")
    assert found.status == "none"
    assert found.reason == "none: median 5 in neither 1-3 nor 7-9, IQR 0 (at most 2 allowed)"


def test_iqr_too_wide():
    # 1,5,8,9,9: Q1 at position 1 -> 5, Q3 at position 3 -> 9; IQR 4 > 2.
    found = item([1, 5, 8, 9, 9], rule="iqr")
    assert (found.median, found.iqr, found.status) == (8.0, 4.0, "none")
    assert found.reason == "none: IQR 4 (at most 2 allowed), median 8"


def test_iqr_threshold_is_inclusive_and_configurable():
    # 6,7,8,8,9: Q1 7, Q3 8 -> IQR 1.
    assert item([6, 7, 8, 8, 9], rule="iqr", iqr_max=1).status == "in"
    # 5,6,8,9,9: Q1 6, Q3 9 -> IQR 3.
    assert item([5, 6, 8, 9, 9], rule="iqr", iqr_max=2.5).status == "none"
    found = item([7, 8, 8, 8, 9], rule="iqr")
    assert found.reason == "in: median 8 in 7-9 and IQR 0 (at most 2 allowed)"


def test_iqr_rule_uses_the_studys_quantile_method():
    # 6,7,8,8,9,9. Type 7: Q1 at 1.25 -> 7.25, Q3 at 3.75 -> 8.75, IQR 1.5.
    # Type 6: Q1 at 1.75 (1-based) -> 6 + 0.75 = 6.75, Q3 at 5.25 -> 9, IQR 2.25 > 2.
    ratings = [6, 7, 8, 8, 9, 9]
    linear = item(ratings, rule="iqr")
    assert (linear.q1, linear.q3, linear.status) == (7.25, 8.75, "in")
    weibull = item(ratings, rule="iqr", quantiles="weibull")
    assert (weibull.q1, weibull.q3, weibull.status) == (6.75, 9.0, "none")
    assert weibull.reason == "none: IQR 2.25 (at most 2 allowed), median 8"
    out = item([1, 1, 2, 2, 3, 9], rule="iqr")
    assert out.reason == "out: median 2 in 1-3 and IQR 1.5 (at most 2 allowed)"


def test_iqr_default_threshold_depends_on_the_scale():
    assert ConsensusSettings(rule="iqr").effective_iqr_max == 2
    assert ConsensusSettings(rule="iqr", scale_max=7).effective_iqr_max == 1
    assert ConsensusSettings(rule="iqr", scale_max=5).effective_iqr_max == 1
    # 1-5 scale: 3,4,5,5,5 -> Q1 4, Q3 5, IQR 1 <= 1, median 5 in 4-5.
    assert item([3, 4, 5, 5, 5], rule="iqr", scale_max=5).status == "in"
    # 2,3,5,5,5: Q1 3, Q3 5 -> IQR 2 > 1.
    assert item([2, 3, 5, 5, 5], rule="iqr", scale_max=5).status == "none"


# --- rand ------------------------------------------------------------------------------------

def test_rand_in_out_none():
    assert item([7, 8, 8, 8, 9, 9], rule="rand").status == "in"
    out = item([1, 2, 2, 2, 3, 3], rule="rand")
    # P30 at 1.5 -> 2, P70 at 3.5 -> 2.5: IPR 0.5, central 2.25, AI 2.75, IPRAS 6.475.
    assert out.status == "out"
    assert out.reason == "out: median 2 in 1-3 without disagreement (IPR 0.5 not above IPRAS 6.475)"
    middle = item([4, 5, 5, 5, 6], rule="rand")
    assert middle.status == "none"
    assert middle.reason == ("none: median 5 in neither 1-3 nor 7-9 "
                             "(IPR 0, IPRAS 2.35, no disagreement)")


def test_rand_disagreement_blocks_consensus():
    # Sorted 1,1,1,7,8,9,9,9,9,9 (type 7): median 8.5; P30 at position 2.7 -> 1 + 0.7 * 6 = 5.2,
    # P70 at 6.3 -> 9; IPR 3.8, central 7.1, AI 2.1, IPRAS 2.35 + 3.15 = 5.5: no disagreement.
    calm = item([1, 1, 1, 7, 8, 9, 9, 9, 9, 9], rule="rand")
    assert calm.ipr == pytest.approx(3.8) and calm.ipras == pytest.approx(5.5)
    assert calm.status == "in"
    # 1,1,1,1,7,8,9,9,9,9: median 7.5; P30 -> 1, P70 -> 9: IPR 8, central 5, AI 0, IPRAS 2.35.
    split = item([1, 1, 1, 1, 7, 8, 9, 9, 9, 9], rule="rand")
    assert (split.ipr, split.ipr_central, split.asymmetry) == (8.0, 5.0, 0.0)
    assert split.disagreement is True
    assert split.status == "none"
    assert split.reason == "none: disagreement (IPR 8 above IPRAS 2.35), median 7.5"


def test_rand_ipr_equal_to_ipras_is_not_disagreement():
    # n = 12, type 7: P30 at position 3.3 -> 3 + 0.3 * (6 - 3) = 3.9; P70 at 7.7 -> 6 + 0.7 = 6.7.
    # IPR 2.8; central 5.3, AI 0.3, IPRAS 2.35 + 0.45 = 2.8: equal, so no disagreement. In
    # floating point 6.7 - 3.9 and 2.35 + 1.5 * 0.3 need not come out equal.
    equal = item([1, 2, 3, 3, 6, 6, 6, 6, 7, 8, 9, 9], rule="rand")
    assert (equal.p30, equal.p70) == (pytest.approx(3.9), pytest.approx(6.7))
    assert equal.ipr == pytest.approx(2.8) and equal.ipras == pytest.approx(2.8)
    assert equal.disagreement is False
    # One step wider: P30 3 + 0.3 * 2 = 3.6, IPR 3.1 > IPRAS 2.35 + 1.5 * 0.15 = 2.575.
    wider = item([1, 2, 3, 3, 5, 6, 6, 6, 7, 8, 9, 9], rule="rand")
    assert wider.ipras == pytest.approx(2.575)
    assert wider.disagreement is True


def test_rand_with_weibull_quantiles():
    # Sorted x(1..11) = 1,2,3,4,4,5,6,6,6,7,9. Type 6: P30 at 0.3 * 12 = 3.6 -> x(3) + 0.6 *
    # (x(4) - x(3)) = 3.6; P70 at 8.4 -> x(8) + 0.4 * 0 = 6: IPR 2.4, central 4.8, AI 0.2,
    # IPRAS 2.65. Type 7 puts them at x(4) = 4 and x(8) = 6 instead.
    ratings = [1, 2, 3, 4, 4, 5, 6, 6, 6, 7, 9]
    found = item(ratings, rule="rand", quantiles="weibull")
    assert (found.p30, found.p70) == (pytest.approx(3.6), pytest.approx(6.0))
    assert (found.ipr, found.ipr_central) == (pytest.approx(2.4), pytest.approx(4.8))
    assert found.ipras == pytest.approx(2.65)
    assert found.disagreement is False
    linear = item(ratings, rule="rand")
    assert (linear.p30, linear.p70, linear.ipr) == (4.0, 6.0, 2.0)


def test_rand_refused_off_the_nine_point_scale():
    with pytest.raises(ConsensusError, match="RAND/UCLA rule needs the 1-9 scale"):
        ConsensusSettings(rule="rand", scale_max=5)
    with pytest.raises(ConsensusError, match="RAND/UCLA rule needs the 1-9 scale"):
        ConsensusSettings(rule="rand", scale_min=0, scale_max=8)


# --- regions ---------------------------------------------------------------------------------

def test_custom_regions():
    found = item(repeat((8, 8), (4, 1), (5, 1)), low_to=4, high_from=8)
    assert (found.pct_low, found.pct_mid, found.pct_high) == (10.0, 10.0, 80.0)
    assert found.status == "in"
    assert found.reason == ("in: 80% rated 8-9 (at least 70% needed), "
                            "10% rated 1-4 (fewer than 15% allowed)")


def test_custom_regions_change_the_status():
    ratings = repeat((7, 8), (9, 2))
    assert item(ratings).status == "in"
    found = item(ratings, high_from=8)
    assert (found.pct_mid, found.pct_high) == (80.0, 20.0)
    assert found.reason == ("none: 20% rated 8-9 and 0% rated 1-3 "
                            "(at least 70% in one region needed)")
    low = item(repeat((4, 9), (5, 1)), low_to=4)
    assert low.reason == ("out: 90% rated 1-4 (at least 70% needed), "
                          "0% rated 7-9 (fewer than 15% allowed)")


def test_five_point_scale_regions():
    settings = ConsensusSettings(scale_max=5)
    assert settings.low_region == (1, 2) and settings.high_region == (4, 5)
    found = item([1, 2, 3, 4, 5], scale_max=5)
    assert (found.pct_low, found.pct_mid, found.pct_high) == (40.0, 20.0, 40.0)
    assert found.counts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    # The RAND/UCLA columns belong to the 1-9 scale.
    assert (found.ipr, found.ipr_central, found.asymmetry, found.ipras,
            found.disagreement) == (None, None, None, None, None)
    assert (found.p30, found.p70) == (pytest.approx(2.2), pytest.approx(3.8))
    assert item([4, 4, 5, 5, 3], scale_max=5).status == "in"  # 80% in 4-5, 0% in 1-2
    assert item([4, 5, 5, 1, 3], scale_max=5).reason == (
        "none: 60% rated 4-5 and 20% rated 1-2 (at least 70% in one region needed)")


def test_zero_to_ten_scale():
    settings = ConsensusSettings(scale_min=0, scale_max=10)
    assert settings.low_region == (0, 3) and settings.high_region == (7, 10)
    found = item([0, 0, 10, 10, 10, 10, 10, 10, 9, 8], scale_min=0, scale_max=10)
    assert found.counts[0] == 2 and found.counts[10] == 6
    assert (found.pct_low, found.pct_high, found.status) == (20.0, 80.0, "none")


# --- stakeholder groups ----------------------------------------------------------------------

def group_matrix():
    ratings = [8] * 12 + [8, 8, 5, 5, 5] + [5, 5]
    groups = ["clinicians"] * 12 + ["patients"] * 5 + ["carers"] * 2
    return np.array(ratings).reshape(-1, 1), groups


def test_statistics_per_group():
    ratings, groups = group_matrix()
    summary = summarise(ratings, ConsensusSettings(), groups=groups)
    assert list(summary.groups) == ["carers", "clinicians", "patients"]
    assert [summary.groups[g][0].n for g in ("carers", "clinicians", "patients")] == [2, 12, 5]
    assert summary.groups["clinicians"][0].status == "in"
    assert summary.groups["patients"][0].status == "none"
    assert summary.groups["patients"][0].median == 5.0
    assert summary.groups["carers"][0].reason == "none: only 2 ratings (at least 5 needed)"
    # Overall 14 of 19 high (73.7%), none low: in, per_group not asked for.
    assert summary.items[0].status == "in"


def test_per_group_consensus_fails_in_one_group():
    ratings, groups = group_matrix()
    summary = summarise(ratings, ConsensusSettings(per_group=True), groups=groups)
    overall = summary.items[0]
    assert overall.status == "none"
    assert overall.reason == ("none: in overall, but no consensus in group 'patients': "
                              "40% rated 7-9 and 0% rated 1-3 (at least 70% in one region needed)")
    assert summary.items[0].median == 8.0  # the statistics are still the overall ones


def test_per_group_ignores_groups_with_too_few_ratings():
    ratings = np.array([8] * 12 + [2, 2]).reshape(-1, 1)
    groups = ["clinicians"] * 12 + ["patients"] * 2
    summary = summarise(ratings, ConsensusSettings(per_group=True), groups=groups)
    assert summary.items[0].status == "in"
    assert summary.groups["patients"][0].status == "none"


def test_per_group_holds_when_every_group_agrees():
    ratings = np.array([[8, 2]] * 6 + [[9, 1]] * 5)
    groups = ["a"] * 6 + ["b"] * 5
    summary = summarise(ratings, ConsensusSettings(per_group=True), groups=groups)
    assert [i.status for i in summary.items] == ["in", "out"]


def test_groups_need_one_label_per_row():
    with pytest.raises(ConsensusError, match="groups"):
        summarise(np.full((3, 2), 5), ConsensusSettings(), groups=["a", "b"])
