"""The panellist pages run a fixed number of SQL statements, whatever the number of items."""
from __future__ import annotations

import pytest

from delphi.panel.tokens import token_for
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round


def _study_in_round(db, make_study, make_panel, submit, items: int, number: int):
    """One section of ``items`` items, five panellists; in round 2 every item has feedback."""
    study = make_study(slug=f"size-{items}", sections=1, items_per_section=items,
                       group_feedback=True, min_group_size=3, reason_outside_iqr=True)
    panel = make_panel(study, n=5)
    round_ = open_round(study)
    if number == 2:
        spread = [1, 3, 5, 7, 9]  # no consensus: every item is carried forward
        for k, panellist in enumerate(panel):
            submit(round_, panellist, {ri.code: spread[k] for ri in round_.round_items},
                   {ri.code: f"Comment {k}" for ri in round_.round_items})
        close_round(round_)
        round_ = launch_next_round(study)
    db.session.commit()
    base = f"/p/{token_for(panel[0])}"
    client_paths = [base, f"{base}/round/{number}/section/1", f"{base}/round/{number}/review",
                    f"{base}/answers"]
    return client_paths


@pytest.mark.parametrize("number", [1, 2])
def test_statement_count_does_not_grow_with_the_items(client, db, make_study, make_panel, submit,
                                                      count_queries, number):
    counts = {}
    for items in (10, 100):
        paths = _study_in_round(db, make_study, make_panel, submit, items, number)
        for path in paths:
            client.get(path)  # the first visit creates or marks the response
        per_page = []
        for path in paths:
            db.session.remove()
            with count_queries() as statements:
                response = client.get(path)
            assert response.status_code == 200, path
            per_page.append(len(statements))
        counts[items] = per_page
    assert counts[10] == counts[100]
    assert max(counts[10]) <= 20
