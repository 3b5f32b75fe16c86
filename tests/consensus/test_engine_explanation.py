"""An item's status and the words explaining it are kept apart; frozen summaries keep storing
them as one reason line ("in: 90% rated 7-9 ..."), as every round closed before did."""
from __future__ import annotations

import numpy as np
import pytest

from delphi.consensus import ConsensusError, ConsensusSettings, ItemSummary, summarise


def test_status_and_explanation_are_separate_and_the_stored_reason_joins_them():
    ratings = np.array([[8], [8], [9], [7], [8], [2], [8], [9], [8], [8]])
    item = summarise(ratings, ConsensusSettings()).items[0]
    assert item.status == "in"
    assert item.explanation == ("90% rated 7-9 (at least 70% needed), "
                                "10% rated 1-3 (fewer than 15% allowed)")
    stored = item.to_dict()
    assert stored["status"] == "in" and stored["reason"] == "in: " + item.explanation
    assert "explanation" not in stored  # frozen summaries keep the form they always had
    assert ItemSummary.from_dict(stored) == item


def test_a_group_failure_explains_itself_without_repeating_the_status():
    ratings = np.array([[8]] * 15 + [[8]] * 3 + [[2]] * 2)  # 90% high overall, 60% in b
    summary = summarise(ratings, ConsensusSettings(per_group=True),
                        groups=["a"] * 15 + ["b"] * 5)
    item = summary.items[0]
    assert item.status == "none"
    assert item.explanation == ("in overall, but no consensus in group 'b': 60% rated 7-9 and "
                                "40% rated 1-3 (at least 70% in one region needed)")
    assert item.reason == "none: " + item.explanation


def test_a_stored_reason_that_contradicts_its_status_is_refused():
    stored = summarise(np.full((5, 1), 8), ConsensusSettings()).items[0].to_dict()
    stored["status"] = "out"
    with pytest.raises(ConsensusError, match="does not begin with its status 'out'"):
        ItemSummary.from_dict(stored)
