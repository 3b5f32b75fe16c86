"""Erasing a panellist on request: personal data gone everywhere, closed rounds' history intact."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from delphi.models import (AuditEvent, MessageStatus, OutboxMessage, Panellist, Rating, Response,
                           RoundItem, SectionComment, Suggestion, SuggestionKind, utcnow)
from delphi.panel.erasure import erase_panellist
from delphi.panel.tokens import find_panellist, token_for
from delphi.rounds.answers import Answer, response_for, save_answers
from delphi.rounds.errors import RoundError
from delphi.rounds.lifecycle import close_round, open_round
from delphi.rounds.review import launch_next_round

NAME = "Zoë Quillfeather-Erasable"
EMAIL = "zoe.quillfeather@erasable.example"
COMMENT = "As a Quillfeather I know this from my own clinic."


def _frozen(db, round_id: int) -> str:
    """Every frozen column of a round's items, serialised exactly as stored."""
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(RoundItem).filter_by(round_id=round_id).order_by(RoundItem.id)).all()
    return json.dumps([[ri.id, ri.summary, ri.group_summaries, ri.stability, ri.status,
                        ri.decision.value if ri.decision else None] for ri in rows],
                      sort_keys=True)


def _every_text_in_the_database(db) -> str:
    """All string and JSON values of every table, to search for leftover personal data."""
    values = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                values.extend(str(v) for v in row if v is not None)
    return "\n".join(values)


@pytest.fixture
def erased_setting(db, make_study, make_panel, submit):
    """Round 1 answered by six (the victim with comments, a section comment and a suggestion),
    closed; round 2 open with the victim's draft; round 1 invitations sent, round 2's pending."""
    study = make_study(slug="erasure")
    panel = make_panel(study, n=6)
    victim = panel[0]
    victim.name, victim.email = NAME, EMAIL
    round1 = open_round(study)
    old_token = token_for(victim)
    codes = [ri.code for ri in round1.round_items]
    for k, panellist in enumerate(panel):
        ratings = {code: (k + i) % 9 + 1 for i, code in enumerate(codes)}
        comments = {code: COMMENT for code in codes} if panellist is victim else None
        submit(round1, panellist, ratings, comments)
    section_id = round1.round_items[0].section_id
    save_answers(response_for(round1, victim), [], submit=True,
                 section_comments={section_id: f"Section note by {NAME}"})
    db.session.add(Suggestion(round_id=round1.id, panellist_id=victim.id,
                              kind=SuggestionKind.NEW_ITEM, section_id=section_id,
                              text="Add an item on supervision."))
    db.session.execute(sa.update(OutboxMessage).values(status=MessageStatus.SENT,
                                                       sent_at=utcnow()))
    close_round(round1)
    round2 = launch_next_round(study)
    first = round2.round_items[0]
    save_answers(response_for(round2, victim), [Answer(first.id, value=3, comment=COMMENT)],
                 submit=False)
    db.session.commit()
    return study, panel, victim, old_token, round1, round2


def test_erasure_removes_personal_data_and_keeps_closed_rounds_frozen(db, erased_setting):
    study, panel, victim, old_token, round1, round2 = erased_setting
    frozen_before = _frozen(db, round1.id)
    kept_values = sorted(db.session.execute(
        sa.select(RoundItem.code, Rating.value).join(Rating.round_item).join(Rating.response)
        .where(Response.panellist_id == victim.id, Response.round_id == round1.id)).all())
    assert len(kept_values) == 6

    erasure = erase_panellist(victim)
    db.session.commit()

    assert erasure.ratings_kept == 6
    assert erasure.comments_erased == 7  # six item comments and one section comment
    assert erasure.open_responses_deleted == 1
    assert erasure.suggestions_unlinked == 1
    assert erasure.messages_dropped == 1 and erasure.messages_scrubbed == 1
    # The closed round's frozen summaries are byte-for-byte what they were.
    assert _frozen(db, round1.id) == frozen_before
    # The pseudonymous ratings stay, without their comments.
    after = db.session.execute(
        sa.select(RoundItem.code, Rating.value, Rating.comment).join(Rating.round_item)
        .join(Rating.response)
        .where(Response.panellist_id == victim.id, Response.round_id == round1.id)).all()
    assert sorted((code, value) for code, value, _ in after) == kept_values
    assert {comment for _, _, comment in after} == {None}
    assert db.session.scalar(sa.select(sa.func.count(SectionComment.id))) == 0
    # The open round's draft is gone; the link opens nothing.
    assert db.session.scalar(sa.select(Response.id).filter_by(
        round_id=round2.id, panellist_id=victim.id)) is None
    assert find_panellist(old_token) is None
    # Nothing in any table still holds the name, the address, the comment or the old token.
    everything = _every_text_in_the_database(db)
    for personal in (NAME, EMAIL, COMMENT, old_token, "Quillfeather"):
        assert personal not in everything
    # The suggestion is kept without its author; the audit event names only the pseudonym.
    suggestion = db.session.scalar(sa.select(Suggestion))
    assert suggestion.panellist_id is None and suggestion.text == "Add an item on supervision."
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="panellist.erase"))
    assert event.target == victim.pseudonym
    assert event.after["ratings_kept"] == 6
    # The other panellists' messages are untouched.
    others = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.panellist_id != victim.id)).all()
    assert len(others) == 10 and all("@example.org" in m.to_address for m in others)


def test_the_next_round_closes_normally_after_an_erasure(db, erased_setting, submit):
    study, panel, victim, _, round1, round2 = erased_setting
    frozen_before = _frozen(db, round1.id)
    erase_panellist(victim)
    for k, panellist in enumerate(panel[1:], start=1):
        submit(round2, panellist, {ri.code: (k % 9) + 1 for ri in round2.round_items})

    close_round(round2)
    db.session.commit()

    assert _frozen(db, round1.id) == frozen_before
    summary = db.session.scalars(sa.select(RoundItem).filter_by(round_id=round2.id)).first()
    assert summary.summary["n"] == 5  # the five who remain; the erased draft never counted
    assert summary.stability is not None


def test_erasing_twice_is_refused_and_changes_nothing(db, erased_setting):
    victim = erased_setting[2]
    erase_panellist(victim)
    db.session.commit()
    erased_at = victim.erased_at

    with pytest.raises(RoundError, match=f"{victim.pseudonym} was already erased on"):
        erase_panellist(victim)
    assert victim.erased_at == erased_at


def test_erase_command_confirms_erases_and_reports(db, erased_setting, runner):
    study, _, victim, old_token, _, _ = erased_setting

    declined = runner.invoke(args=["delphi", "panel", "erase", study.slug, victim.pseudonym],
                             input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    db.session.expire_all()
    assert db.session.get(Panellist, victim.id).email == EMAIL

    result = runner.invoke(args=["delphi", "panel", "erase", study.slug, victim.pseudonym,
                                 "--yes"])
    assert result.exit_code == 0, result.output
    assert (f"Erased {victim.pseudonym}: 7 comments erased, 1 open-round responses deleted, "
            "1 unsent messages dropped; 6 ratings in closed rounds kept") in result.output
    db.session.expire_all()
    assert db.session.get(Panellist, victim.id).email is None

    again = runner.invoke(args=["delphi", "panel", "erase", study.slug, victim.pseudonym, "--yes"])
    assert again.exit_code == 1 and "was already erased" in again.output

    unknown = runner.invoke(args=["delphi", "panel", "erase", study.slug, "P999", "--yes"])
    assert unknown.exit_code == 1
    assert f"{study.slug} has no panellist 'P999'" in unknown.output
