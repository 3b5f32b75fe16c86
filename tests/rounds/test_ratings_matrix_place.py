"""Placing rows read from the database into the ratings matrix: a rating of a panellist who
submitted after the list of submitters was read (the live dashboard of an open round) is left
out, never placed in another panellist's row or raised as an error."""
from __future__ import annotations

import gc

import numpy as np

from delphi.consensus import MISSING
from delphi.rounds import matrix
from delphi.rounds.matrix import place
from tests.support import data


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


def test_the_ratings_are_placed_with_the_cycle_collector_paused(db, monkeypatch):
    study = data.make_study("paused", 4)
    panel = data.add_panel(study, 3)
    round_ = data.open_round_one(study)
    data.submit_all(round_, panel, data.random_ratings(3, 4, (1, 9), 0.0))
    db.session.commit()
    seen: list[bool] = []

    def placing(*args):
        seen.append(gc.isenabled())
        return place(*args)

    monkeypatch.setattr(matrix, "place", placing)
    assert gc.isenabled()
    assert matrix.ratings_matrix(round_).ratings.shape == (3, 4)
    assert seen and not any(seen)
    assert gc.isenabled()
