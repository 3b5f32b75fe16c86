"""Erasing a panellist on request (GDPR article 17) without rewriting the study's history.

What goes: the name and e-mail address, the personal link (a new random one replaces it, and an
erased panellist's link opens nothing), every comment, reason and section comment they wrote in
any round, their answers to the background questions, their authorship of suggestions, their
answers to a round that is still open (never counted yet), the messages still waiting in the
outbox, the address, subject and body of messages already sent (which carried their name), and
the files those messages were written to when no SMTP server is configured (which hold the
address and the personal link).

What stays: their pseudonymous ratings in closed rounds. Those rounds' frozen summaries were
computed from them, were fed back to the panel and may be published; the next round's stability
is measured against them; and without the name, address and link the pseudonym ("P007") no
longer leads to a person. Keeping the bare numbers keeps every closed round's statistics and
exports reproducible; the frozen summaries themselves are not touched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from delphi import audit
from delphi.extensions import db
from delphi.mail.sender import message_file
from delphi.models import (
    BackgroundAnswer,
    MessageStatus,
    OutboxMessage,
    Panellist,
    Rating,
    Response,
    Round,
    RoundState,
    SectionComment,
    StaffUser,
    Suggestion,
    utcnow,
)
from delphi.models.base import rows_changed
from delphi.panel.tokens import issue_token
from delphi.rounds import tally
from delphi.rounds.errors import RoundError
from delphi.rounds.review_remarks import freeze_remarks

ERASED = "(erased on request)"


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed and kept, in counts: the audit trail holds no personal data."""

    ratings_kept: int
    comments_erased: int
    open_responses_deleted: int
    suggestions_unlinked: int
    messages_dropped: int
    messages_scrubbed: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def erase_panellist(
    panellist: Panellist, *, by: StaffUser | None = None, actor: str | None = None
) -> Erasure:
    """Erase the panellist's personal data as described above (flushed, not committed);
    ``actor`` names who asked when it is not staff (the panellist, withdrawing consent)."""
    if panellist.erased_at is not None:
        raise RoundError(
            f"{panellist.pseudonym} was already erased on {panellist.erased_at:%d %B %Y}."
        )
    responses = db.session.execute(
        db.select(Response.id, Round.state)
        .join(Round, Round.id == Response.round_id)
        .where(Response.panellist_id == panellist.id)
    ).all()
    open_ids = [rid for rid, state in responses if state is not RoundState.CLOSED]
    kept_ids = [rid for rid, state in responses if state is RoundState.CLOSED]

    comments = _erase_comments(kept_ids)
    for response in db.session.scalars(
        db.select(Response).where(Response.id.in_(open_ids)).with_for_update()
    ):
        counted = tally.answers_of(response)  # a submitted answer leaves the ratings so far
        db.session.delete(response)
        tally.apply(response.round_id, counted, Counter())
    suggestions = rows_changed(
        db.update(Suggestion)
        .where(Suggestion.panellist_id == panellist.id)
        .values(panellist_id=None)
    )
    dropped, scrubbed = _erase_messages(panellist)
    db.session.execute(db.delete(BackgroundAnswer).filter_by(panellist_id=panellist.id))
    ratings_kept = (
        db.session.scalar(
            db.select(db.func.count(Rating.id)).where(Rating.response_id.in_(kept_ids))
        )
        or 0
    )

    panellist.name = None
    panellist.email = None
    panellist.erased_at = utcnow()
    issue_token(panellist)  # the old link's hash is gone from the database
    erasure = Erasure(ratings_kept, comments, len(open_ids), suggestions, dropped, scrubbed)
    audit.record(
        "panellist.erase",
        study=panellist.study,
        by=by,
        actor=actor,
        target=panellist.pseudonym,
        after=erasure.as_dict(),
    )
    db.session.flush()
    return erasure


def _erase_comments(response_ids: list[int]) -> int:
    """Blank the comments and reasons of the kept responses; count the texts erased."""
    with_text = (Rating.comment.is_not(None)) | (Rating.reason.is_not(None))
    erased = rows_changed(
        db.update(Rating)
        .where(Rating.response_id.in_(response_ids), with_text)
        .values(comment=None, reason=None)
    )
    erased += rows_changed(
        db.delete(SectionComment).where(SectionComment.response_id.in_(response_ids))
    )
    if erased:  # the rounds' feedback and review list those comments: have them drawn again
        rounds = Round.id.in_(db.select(Response.round_id).where(Response.id.in_(response_ids)))
        db.session.execute(db.update(Round).where(rounds).values(revision=Round.revision + 1))
        for round_ in db.session.scalars(
            db.select(Round).where(rounds).execution_options(populate_existing=True)
        ):
            freeze_remarks(round_)
    return erased


def _erase_messages(panellist: Panellist) -> tuple[int, int]:
    """Drop unsent messages; keep sent ones as a count, without address, subject or body."""
    messages = db.session.scalars(
        db.select(OutboxMessage).filter_by(panellist_id=panellist.id)
    ).all()
    dropped = scrubbed = 0
    for message in messages:
        # Development mode writes each message to a file; it holds the address and the link.
        message_file(message.study_id, message.id).unlink(missing_ok=True)
        if message.status in (MessageStatus.PENDING, MessageStatus.FAILED):
            db.session.delete(message)
            dropped += 1
        else:
            message.to_address = ""
            message.subject = ERASED
            message.body = ERASED
            message.last_error = None
            scrubbed += 1
    return dropped, scrubbed
