"""An item's status and the words explaining it are kept apart, and stored apart: nothing
splits a line of text to find them. Summaries frozen by earlier versions stored only the reason
line ("in: 90% rated 7-9 ..."); they are still read."""
from __future__ import annotations

import numpy as np
import pytest

from delphi.consensus import ConsensusError, ConsensusSettings, ItemSummary, summarise


def test_status_and_explanation_are_stored_apart_beside_the_reason_line():
    ratings = np.array([[8], [8], [9], [7], [8], [2], [8], [9], [8], [8]])
    item = summarise(ratings, ConsensusSettings()).items[0]
    assert item.status == "in"
    assert item.explanation == ("90% rated 7-9 (at least 70% needed), "
                                "10% rated 1-3 (fewer than 15% allowed)")
    stored = item.to_dict()
    assert stored["status"] == "in" and stored["explanation"] == item.explanation
    assert stored["reason"] == "in: " + item.explanation  # the line exports have always shown
    assert ItemSummary.from_dict(stored) == item


def test_the_explanation_stored_is_read_as_it_is_never_cut_from_the_reason_line():
    stored = summarise(np.full((5, 1), 8), ConsensusSettings()).items[0].to_dict()
    stored["explanation"] = "in: words that begin as a reason line would"
    stored["reason"] = "something else entirely"
    assert ItemSummary.from_dict(stored).explanation == "in: words that begin as a reason line would"


def test_a_summary_frozen_before_the_explanation_was_stored_apart_is_still_read():
    item = summarise(np.full((5, 1), 8), ConsensusSettings()).items[0]
    older = item.to_dict()
    del older["explanation"]  # as rounds closed by earlier versions stored it
    assert ItemSummary.from_dict(older) == item


def test_a_group_failure_explains_itself_without_repeating_the_status():
    ratings = np.array([[8]] * 15 + [[8]] * 3 + [[2]] * 2)  # 90% high overall, 60% in b
    summary = summarise(ratings, ConsensusSettings(per_group=True),
                        groups=["a"] * 15 + ["b"] * 5)
    item = summary.items[0]
    assert item.status == "none"
    assert item.explanation == ("in overall, but no consensus in group 'b': 60% rated 7-9 and "
                                "40% rated 1-3 (at least 70% in one region needed)")
    assert item.reason == "none: " + item.explanation


def test_an_older_stored_reason_that_contradicts_its_status_is_refused():
    stored = summarise(np.full((5, 1), 8), ConsensusSettings()).items[0].to_dict()
    del stored["explanation"]
    stored["status"] = "out"
    with pytest.raises(ConsensusError, match="does not begin with its status 'out'"):
        ItemSummary.from_dict(stored)
