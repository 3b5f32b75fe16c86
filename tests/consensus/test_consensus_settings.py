"""The consensus definition: defaults, regions, validation and its frozen record."""
import json

import pytest

from delphi.consensus import ConsensusError, ConsensusSettings


def test_defaults():
    settings = ConsensusSettings()
    assert (settings.scale_min, settings.scale_max, settings.rule, settings.quantiles) == \
        (1, 9, "comet", "linear")
    assert (settings.agreement, settings.opposite_max, settings.opposite_inclusive) == \
        (70, 15, False)
    assert (settings.percent, settings.min_ratings, settings.per_group,
            settings.stability_max) == (75, 5, False, 15)
    assert settings.points == [1, 2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("scale_min, scale_max, low, high", [
    (1, 9, (1, 3), (7, 9)),
    (1, 5, (1, 2), (4, 5)),
    (1, 7, (1, 2), (6, 7)),  # round(7 / 3) = 2
    (0, 10, (0, 3), (7, 10)),  # round(11 / 3) = 4
    (1, 3, (1, 1), (3, 3)),
    (1, 4, (1, 1), (4, 4)),  # round(4 / 3) = 1
])
def test_default_regions(scale_min, scale_max, low, high):
    settings = ConsensusSettings(scale_min=scale_min, scale_max=scale_max)
    assert settings.low_region == low and settings.high_region == high


def test_regions_can_be_set():
    settings = ConsensusSettings(low_to=4, high_from=8)
    assert settings.low_region == (1, 4) and settings.high_region == (8, 9)
    assert ConsensusSettings(low_to=4, high_from=5).high_region == (5, 9)


@pytest.mark.parametrize("changes, field", [
    ({"scale_min": 5, "scale_max": 5}, "scale_max"),
    ({"scale_min": 1, "scale_max": 2}, "scale_max"),
    ({"scale_min": -3, "scale_max": 3}, "scale_min"),
    ({"scale_max": 9.0}, "scale_max"),
    ({"scale_min": 0, "scale_max": 1000}, "scale_max"),
    ({"rule": "majority"}, "rule"),
    ({"rule": "rand", "scale_max": 5}, "RAND/UCLA rule"),
    ({"quantiles": "type7"}, "quantiles"),
    ({"low_to": 0}, "low_to"),
    ({"high_from": 10}, "high_from"),
    ({"low_to": 7, "high_from": 7}, "low_to"),
    ({"low_to": 6, "high_from": 5}, "low_to"),
    ({"low_to": 2, "high_from": 4, "scale_max": 3}, "high_from"),
    ({"agreement": 0}, "agreement"),
    ({"agreement": 101}, "agreement"),
    ({"agreement": 70.5}, "agreement"),
    ({"opposite_max": -1}, "opposite_max"),
    ({"opposite_max": 70}, "opposite_max"),
    ({"opposite_inclusive": "yes"}, "opposite_inclusive"),
    ({"percent": 50}, "percent"),
    ({"percent": 101}, "percent"),
    ({"iqr_max": -1}, "iqr_max"),
    ({"iqr_max": float("nan")}, "iqr_max"),
    ({"iqr_max": "2"}, "iqr_max"),
    ({"min_ratings": 0}, "min_ratings"),
    ({"min_ratings": True}, "min_ratings"),
    ({"per_group": 1}, "per_group"),
    ({"stability_max": 101}, "stability_max"),
])
def test_invalid_settings_name_the_field(changes, field):
    with pytest.raises(ConsensusError, match=field):
        ConsensusSettings(**changes)


def test_every_problem_of_a_definition_is_listed_at_once_in_the_callers_words():
    """Three independent mistakes give three problems, each at its setting, named as asked."""
    values = {"low_to": 7, "high_from": 3, "agreement": 60, "opposite_max": 60, "percent": 40}
    problems = ConsensusSettings.problems(values, lambda name, value: f"<{name}={value}>")
    assert [(p.setting, str(p)) for p in problems] == [
        ("low_to", "<low_to=7> must be below <high_from=3>: the regions overlap"),
        ("opposite_max", "<opposite_max=60> must be below <agreement=60>, "
                         "or an item could be in and out at once"),
        ("percent", "<percent=40> must be between 51 and 100"),
    ]
    assert problems[0].involves == ("low_to", "high_from")
    assert ConsensusSettings.problems({}) == []


def test_consensus_error_is_a_value_error():
    assert issubclass(ConsensusError, ValueError)


def test_effective_iqr_max():
    assert ConsensusSettings().effective_iqr_max == 2.0
    assert ConsensusSettings(scale_max=7).effective_iqr_max == 1.0
    assert ConsensusSettings(scale_min=0, scale_max=7).effective_iqr_max == 2.0  # 8 points
    assert ConsensusSettings(iqr_max=1.5).effective_iqr_max == 1.5


@pytest.mark.parametrize("settings", [
    ConsensusSettings(),
    ConsensusSettings(scale_max=5, rule="iqr", quantiles="weibull", iqr_max=1.5),
    ConsensusSettings(rule="rand", low_to=4, high_from=6, min_ratings=3, per_group=True),
    ConsensusSettings(agreement=80, opposite_max=10, opposite_inclusive=True, stability_max=20),
])
def test_round_trip_through_json(settings):
    record = json.loads(json.dumps(settings.to_dict()))
    assert ConsensusSettings.from_dict(record) == settings


def test_record_states_the_resolved_regions_and_threshold():
    record = ConsensusSettings(scale_max=5, rule="iqr").to_dict()
    assert record["low_to"] is None  # as given
    assert record["low_region"] == [1, 2] and record["high_region"] == [4, 5]
    assert record["effective_iqr_max"] == 1.0


def test_from_dict_takes_a_subset_and_refuses_unknown_keys():
    assert ConsensusSettings.from_dict({"rule": "percent"}) == ConsensusSettings(rule="percent")
    with pytest.raises(ConsensusError, match="agrement"):
        ConsensusSettings.from_dict({"agrement": 70})


def test_from_dict_refuses_a_record_its_fields_no_longer_give():
    record = ConsensusSettings().to_dict()
    record["high_region"] = [8, 9]
    with pytest.raises(ConsensusError, match="high_region"):
        ConsensusSettings.from_dict(record)


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        ConsensusSettings().rule = "percent"
