"""The declared consensus settings cover the engine exactly, and the engine's errors name the
setting at fault (without an app)."""
from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from delphi.consensus import ConsensusError, ConsensusSettings, summarise
from delphi.consensus.definition import BY_COLUMN, BY_ENGINE, SETTINGS, in_table
from delphi.consensus.settings import QUANTILE_METHODS, RULES


def test_every_engine_field_is_declared_once():
    assert [s.engine for s in SETTINGS] == [f.name for f in fields(ConsensusSettings)]
    assert len(BY_COLUMN) == len(SETTINGS) == len({(s.table, s.key) for s in SETTINGS})
    assert [s.key for s in in_table("scale")] == ["min", "max"]


def test_declared_defaults_and_choices_are_the_engines():
    assert BY_ENGINE["agreement"].default == 70 and BY_ENGINE["rule"].default == "comet"
    assert BY_ENGINE["iqr_max"].default is None
    assert [value for value, _ in BY_ENGINE["rule"].choices] == list(RULES)
    assert [value for value, _ in BY_ENGINE["quantiles"].choices] == list(QUANTILE_METHODS)


def test_each_setting_says_which_rules_use_it():
    comet_only = {s.engine for s in SETTINGS if s.rules == ("comet",)}
    assert comet_only == {"agreement", "opposite_max", "opposite_inclusive"}
    assert BY_ENGINE["percent"].used_by("percent") and not BY_ENGINE["percent"].used_by("comet")
    assert BY_ENGINE["iqr_max"].used_by("iqr") and not BY_ENGINE["iqr_max"].used_by("rand")
    assert all(BY_ENGINE[name].used_by(rule) for name in ("scale_max", "low_to", "min_ratings")
               for rule in RULES)


@pytest.mark.parametrize("changes, setting", [
    ({"scale_min": -1}, "scale_min"),
    ({"scale_min": 5, "scale_max": 6}, "scale_max"),
    ({"scale_min": 0, "scale_max": 1000}, "scale_max"),  # "the scale 0-1000 has more than ..."
    ({"rule": "majority"}, "rule"),
    ({"rule": "rand", "scale_max": 5}, "rule"),
    ({"quantiles": "type7"}, "quantiles"),
    ({"low_to": 7, "high_from": 5}, "low_to"),
    ({"high_from": 10}, "high_from"),
    ({"agreement": 60, "opposite_max": 60}, "opposite_max"),
    ({"opposite_inclusive": "yes"}, "opposite_inclusive"),
    ({"percent": 50}, "percent"),
    ({"iqr_max": -1}, "iqr_max"),
    ({"min_ratings": 0}, "min_ratings"),
    ({"per_group": 1}, "per_group"),
    ({"stability_max": 101}, "stability_max"),
])
def test_an_invalid_setting_is_named_by_the_error_not_only_its_words(changes, setting):
    with pytest.raises(ConsensusError) as raised:
        ConsensusSettings(**changes)
    assert raised.value.setting == setting


def test_an_error_about_ratings_names_no_setting():
    with pytest.raises(ConsensusError) as raised:
        summarise(np.array([[1, 12]]), ConsensusSettings())
    assert raised.value.setting is None
