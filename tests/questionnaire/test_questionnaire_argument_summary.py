"""Round 2 feedback shows the comments, the team's summary of the arguments, or both, as the
study chooses; the summary is the one written before round 2 was prepared."""
from __future__ import annotations

import pytest

from delphi.models import CommentFeedback
from delphi.rounds.lifecycle import close_round
from delphi.rounds.review import launch_next_round, summarise_arguments
from tests.support.pages import item_block

SUMMARY = "Most found it central; two said it needs time & supervision."


@pytest.fixture
def summarised(db, round_one, submit):
    """Round 1 rated by six panellists with one comment on S1.1, a summary written for S1.1,
    and round 2 open."""

    def make(choice: CommentFeedback):
        setting = round_one(comment_feedback=choice)
        round1 = setting.round
        for k, panellist in enumerate(setting.panel):
            ratings = {ri.code: [1, 3, 5, 7, 9, 5][k] for ri in round1.round_items}
            submit(round1, panellist, ratings, {"S1.1": "Needs protected time."} if k == 0 else None)
        close_round(round1)
        s11 = next(ri for ri in round1.round_items if ri.code == "S1.1")
        summarise_arguments(s11, SUMMARY)
        round2 = launch_next_round(setting.study)
        db.session.commit()
        return setting, round2

    return make


def _s11(client, setting, round2) -> str:
    page = client.get(setting.url(f"/round/{round2.number}/section/1")).get_data(as_text=True)
    return item_block(page, "S1.1")


def test_the_summary_alone_replaces_the_comments(client, summarised):
    setting, round2 = summarised(CommentFeedback.SUMMARY)
    block = _s11(client, setting, round2)
    assert "The research team's summary of the arguments in round 1" in block
    # Markdown made safe (see the last test): never trusted as HTML.
    assert "<p>Most found it central; two said it needs time &amp; supervision.</p>" in block
    assert "Needs protected time." not in block and "Comments from round 1" not in block


def test_both_shows_the_summary_and_the_comments(client, summarised):
    setting, round2 = summarised(CommentFeedback.BOTH)
    block = _s11(client, setting, round2)
    assert "The research team's summary of the arguments in round 1" in block
    assert "<summary>Comments from round 1 (1)</summary>" in block
    assert "Needs protected time." in block


def test_the_default_shows_the_comments_only(client, summarised):
    setting, round2 = summarised(CommentFeedback.COMMENTS)
    block = _s11(client, setting, round2)
    assert "Needs protected time." in block
    assert "summary of the arguments" not in block and "Most found it central" not in block


def test_the_summary_is_markdown_made_safe(db, client, round_one, submit):
    """The team writes the summary for panellists: Markdown, sanitised, never trusted HTML."""
    setting = round_one(comment_feedback=CommentFeedback.SUMMARY)
    round1 = setting.round
    for k, panellist in enumerate(setting.panel):
        submit(round1, panellist, {ri.code: [1, 3, 5, 7, 9, 5][k] for ri in round1.round_items})
    close_round(round1)
    s11 = next(ri for ri in round1.round_items if ri.code == "S1.1")
    summarise_arguments(s11, "**Most** found it central.\n\n"
                             '<img src=x onerror="alert(1)"> [see](javascript:alert(2))')
    round2 = launch_next_round(setting.study)
    db.session.commit()
    block = _s11(client, setting, round2)
    assert "<strong>Most</strong> found it central." in block
    assert "onerror" not in block.replace("onerror=&quot;", "") and "<img" not in block
    assert 'href="javascript:' not in block
