"""The review keeps what panellists wrote between visits (it changes only through an erasure or
a move to another group once the round is closed), and shows such a change at the next visit."""
from __future__ import annotations

import re

from delphi.panel.erasure import erase_panellist
from delphi.panel.operations import update_panellist
from delphi.rounds.kept import forget
from delphi.rounds.lifecycle import close_round


def _comments(page: str) -> list[str]:
    """The groups and texts of the first item's comments, in page order."""
    block = re.search(r'<details class="item-comments"[^>]*>(.*?)</details>', page, flags=re.S)
    return re.findall(r"<d[td]>(.*?)</d[td]>", block.group(1))


def test_the_review_shows_an_erasure_and_a_move_at_the_next_visit(db, client, login_as,
                                                                  running, submit):
    state = running(min_group_size=3)  # six panellists: social workers 1, 3, 5; the others
    for k, panellist in enumerate(state.panel, start=1):
        submit(state.round_, panellist, {"S1.1": 5}, comments={"S1.1": f"Said by {k}"})
    close_round(state.round_)
    db.session.commit()
    login_as("admin")
    url = state.url("rounds.review", number=1)

    first = client.get(url).get_data(as_text=True)
    assert "<summary>6 comments" in first
    assert _comments(first) == ["People who use services", "Said by 2", "Said by 4", "Said by 6",
                                "Social workers", "Said by 1", "Said by 3", "Said by 5"]
    assert client.get(url).get_data(as_text=True) == first  # kept, and the same

    erase_panellist(state.panel[0])  # panellist 1's comments are blanked
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "<summary>5 comments" in page and "Said by 1" not in page

    p2 = state.panel[1]  # moves: people who use services fall to two, below the minimum of 3
    update_panellist(p2, name=p2.name, email=p2.email, group="Social workers")
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _comments(page) == ["Social workers", "Said by 2", "Said by 3", "Said by 5",
                               "another group", "Said by 4", "Said by 6"]


def _reads_ratings(statements: list[str]) -> bool:
    return any(re.search(r"\bJOIN rating\b|\bFROM rating\b", s) for s in statements)


def test_the_first_visit_after_a_restart_reads_the_remarks_stored_at_closing(
        db, client, login_as, running, submit, count_queries):
    state = running(min_group_size=3)
    for k, panellist in enumerate(state.panel, start=1):
        submit(state.round_, panellist, {"S1.1": 5}, comments={"S1.1": f"Said by {k}"})
    close_round(state.round_)
    db.session.commit()
    login_as("admin")
    url = state.url("rounds.review", number=1)

    def first_visit() -> tuple[str, list[str]]:
        forget()  # as after a restart: this app keeps nothing yet
        db.session.expire_all()
        with count_queries() as statements:
            page = client.get(url)
        assert page.status_code == 200
        return page.get_data(as_text=True), statements

    page, statements = first_visit()
    assert "<summary>6 comments" in page
    assert _comments(page) == ["People who use services", "Said by 2", "Said by 4", "Said by 6",
                               "Social workers", "Said by 1", "Said by 3", "Said by 5"]
    assert not _reads_ratings(statements)  # the remarks come stored, not picked from ratings

    erase_panellist(state.panel[0])  # blanks panellist 1's comments and stores them again
    db.session.commit()
    page, statements = first_visit()
    assert "<summary>5 comments" in page and "Said by 1" not in page
    assert not _reads_ratings(statements)

    p2 = state.panel[1]  # a move to another group: what was stored no longer applies
    update_panellist(p2, name=p2.name, email=p2.email, group="Social workers")
    db.session.commit()
    page, statements = first_visit()
    assert _comments(page) == ["Social workers", "Said by 2", "Said by 3", "Said by 5",
                               "another group", "Said by 4", "Said by 6"]
    assert _reads_ratings(statements)
