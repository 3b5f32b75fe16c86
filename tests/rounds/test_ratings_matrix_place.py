"""Placing rows read from the database into the ratings matrix: a rating of a panellist who
submitted after the list of submitters was read (the live dashboard of an open round) is left
out, never placed in another panellist's row or raised as an error."""
from __future__ import annotations

import gc

import numpy as np
import pytest

from delphi.consensus import MISSING
from delphi.rounds.matrix import cyclic_gc_paused, place


def test_rows_are_placed_by_panellist_and_item_and_late_submitters_left_out():
    panellist_ids = np.array([10, 20, 30])
    round_item_ids = np.array([7, 5])  # column order: item 7 first
    order = np.argsort(round_item_ids)
    matrix = np.full((3, 2), MISSING, dtype=np.int16)
    rows = np.array([
        [10, 7, 9], [10, 5, 1], [30, 5, 4],
        [25, 7, 8],  # submitted after the list was read: between two known ids
        [40, 5, 2],  # after the last known id
        [5, 7, 3],  # before the first
        [20, 6, 6],  # an item not in the round
    ])
    place(matrix, rows, panellist_ids, round_item_ids[order], order)
    assert matrix.tolist() == [[9, 1], [MISSING, MISSING], [MISSING, 4]]


def test_the_cycle_collector_is_paused_while_reading_and_runs_again_after():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("the database went away mid-read")
    assert gc.isenabled()  # restored after a failed read too


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
