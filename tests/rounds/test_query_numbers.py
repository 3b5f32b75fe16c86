"""Numbers in query strings on staff pages: a number of any size or script is an ordinary page,
never an overflow in the database or a failed int() (a 500)."""
from __future__ import annotations

import pytest

from delphi import audit
from delphi.models import Suggestion, SuggestionKind


@pytest.mark.parametrize("page", ["1" + "0" * 30, "2" * 5000, "-5", "²", "٧"])
def test_the_audit_trail_takes_any_page_number(client, login_as, running, text, page):
    state = running()
    audit.record("study.update", study=state.study, by=None, target="title")
    login_as("admin")
    response = client.get(state.url("audit.audit") + f"?page={page}")
    assert response.status_code == 200
    assert "Audit" in text(response)


@pytest.mark.parametrize("suggestion", ["²", "٧", "9" * 5000, "-1", "abc"])
def test_the_reword_form_takes_any_suggestion_number(client, db, login_as, closed, text,
                                                      suggestion):
    state = closed()
    round_item = state.round_.round_items[0]
    db.session.add(Suggestion(round_id=state.round_.id, panellist_id=state.panel[0].id,
                              kind=SuggestionKind.REWORDING, item_id=round_item.item_id,
                              text="A clearer wording"))
    db.session.commit()
    login_as("admin")
    url = state.url("rounds.reword", number=1, round_item_id=round_item.id)
    response = client.get(url + f"?suggestion={suggestion}")
    assert response.status_code == 200
    assert round_item.code in text(response)
