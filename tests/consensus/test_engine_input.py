"""What summarise() accepts and what it gives back: checked input, plain values, records."""
import json

import numpy as np
import pytest

from delphi.consensus import (MISSING, UNABLE, ConsensusError, ConsensusSettings, ItemSummary,
                              summarise)
from delphi.consensus.summary import RoundSummary

SETTINGS = ConsensusSettings()


def test_markers():
    assert (MISSING, UNABLE) == (-1, -2)


@pytest.mark.parametrize("ratings, words", [
    (np.array([5, 6, 7]), "2-D"),
    (np.zeros((2, 2, 2), dtype=int), "3-D"),
    (np.array([["5", "6"]]), "whole numbers"),
    (np.array([[True, False]]), "whole numbers"),
    ([[5, 6], [7]], "2-D"),
])
def test_shape_and_type_are_checked(ratings, words):
    with pytest.raises(ConsensusError, match=words):
        summarise(ratings, SETTINGS)


@pytest.mark.parametrize("bad", [10, 0, -3, 7.5, np.nan, np.inf])
def test_the_first_bad_cell_is_named(bad):
    ratings = np.full((4, 3), 5, dtype=float)
    ratings[2, 1] = bad
    with pytest.raises(ConsensusError, match=r"row 2 \(panellist\), column 1 \(item\)"):
        summarise(ratings, SETTINGS)


def test_whole_floats_and_small_integers_are_accepted():
    as_float = summarise(np.array([[8.0, -2.0]] * 5), SETTINGS).items
    as_int8 = summarise(np.array([[8, -2]] * 5, dtype=np.int8), SETTINGS).items
    as_list = summarise([[8, -2]] * 5, SETTINGS).items
    assert as_float == as_int8 == as_list
    assert as_float[1].n_unable == 5


def test_unsigned_integers():
    items = summarise(np.array([[8, 3]] * 5, dtype=np.uint8), SETTINGS).items
    assert [i.status for i in items] == ["in", "out"]
    with pytest.raises(ConsensusError, match="row 0"):
        summarise(np.array([[8, 255]], dtype=np.uint8), SETTINGS)


def test_empty_matrices():
    assert summarise(np.zeros((5, 0), dtype=int), SETTINGS).items == []
    nobody = summarise(np.zeros((0, 2), dtype=int), SETTINGS, groups=[])
    assert [i.n for i in nobody.items] == [0, 0]
    assert nobody.groups == {}


def plain(value) -> bool:
    """True when value is made of Python's own types only."""
    if isinstance(value, dict):
        return all(type(k) in (int, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return value is None or type(value) in (int, float, bool, str)


def test_values_are_plain_python():
    ratings = np.array([[1, 8, UNABLE], [2, 9, MISSING], [3, 8, UNABLE], [9, 7, UNABLE],
                        [9, 8, UNABLE]], dtype=np.int16)
    summary = summarise(ratings, SETTINGS, groups=np.array(["a", "b", "a", "b", "a"]))
    for item in summary.items + summary.groups["a"]:
        for name in ItemSummary.__dataclass_fields__:
            assert plain(getattr(item, name)), name
    assert type(summary.items[0].disagreement) is bool
    assert type(summary.items[0].n) is int


def test_item_summary_round_trips_through_json():
    ratings = np.array([[1, 8, UNABLE], [2, 9, MISSING], [3, 8, 4], [9, 7, 5], [9, 8, 6]])
    for item in summarise(ratings, SETTINGS).items:
        record = json.loads(json.dumps(item.to_dict()))
        assert record["counts"]["8"] == item.counts[8]
        assert ItemSummary.from_dict(record) == item
        assert ItemSummary.from_dict(item.to_dict()) == item


def test_round_summary_round_trips_through_json():
    ratings = np.array([[1, 8], [2, 9], [3, 8], [9, 7], [9, 8], [5, 5]])
    summary = summarise(ratings, ConsensusSettings(rule="iqr"), groups=list("aabbab"))
    record = json.loads(json.dumps(summary.to_dict()))
    again = RoundSummary.from_dict(record)
    assert again == summary
    assert again.settings.rule == "iqr"


def test_item_summary_refuses_a_record_of_another_shape():
    record = summarise(np.full((5, 1), 8), SETTINGS).items[0].to_dict()
    del record["median"]
    with pytest.raises(ConsensusError, match="median"):
        ItemSummary.from_dict(record)
