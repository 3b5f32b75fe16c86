"""Rounds, the items shown in each round, and panellists' responses, ratings and suggestions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.consensus.settings import ConsensusError, ConsensusSettings
from delphi.models.base import Model, UTCDateTime, check, enum_column, utcnow

if TYPE_CHECKING:
    from delphi.models.panel import Panellist
    from delphi.models.study import Item, Section, Study

# A rating carries a remark: answers are stored trimmed, an empty comment or reason as NULL.
REMARKS_WRITTEN = "comment IS NOT NULL OR reason IS NOT NULL"


class RoundState(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Decision(enum.Enum):
    """What happens to an item after a closed round."""

    CARRY_FORWARD = "carry_forward"  # rated again in the next round
    CONSENSUS_IN = "consensus_in"  # kept in the guidance; leaves the rating
    CONSENSUS_OUT = "consensus_out"  # left out of the guidance; leaves the rating
    REWORDED = "reworded"  # replaced in the next round by a new wording

    @property
    def label(self) -> str:
        """Its name on the review form and in every message: "Carry forward", "Consensus in"."""
        return DECISION_WORDS[self][0]

    @property
    def hint(self) -> str:
        """What choosing it does, beside its label on the form: "keep in the guidance"."""
        return DECISION_WORDS[self][1]

    @property
    def tally(self) -> str:
        """How items with it are counted: "2 carried forward", "1 consensus in"."""
        return DECISION_WORDS[self][2]

    @property
    def outcome(self) -> str:
        """What became of the item, as the report says: "Consensus in: kept in the guidance"."""
        return DECISION_WORDS[self][3]


# Every word for a decision, declared once: label, hint, tally, outcome.
DECISION_WORDS = {
    Decision.CARRY_FORWARD: (
        "Carry forward",
        "rate again in the next round",
        "carried forward",
        "Carried forward to the next round",
    ),
    Decision.CONSENSUS_IN: (
        "Consensus in",
        "keep in the guidance",
        "consensus in",
        "Consensus in: kept in the guidance",
    ),
    Decision.CONSENSUS_OUT: (
        "Consensus out",
        "leave out of the guidance",
        "consensus out",
        "Consensus out: left out of the guidance",
    ),
    Decision.REWORDED: (
        "Reworded",
        "rate a new wording in the next round",
        "reworded",
        "Reworded for the next round",
    ),
}


class ResponseStatus(enum.Enum):
    INVITED = "invited"
    OPENED = "opened"  # the panellist opened the link
    DRAFT = "draft"  # answers saved, not submitted
    SUBMITTED = "submitted"


class SuggestionKind(enum.Enum):
    NEW_ITEM = "new_item"
    REWORDING = "rewording"


class SuggestionStatus(enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Round(Model):
    __table_args__ = (
        UniqueConstraint("study_id", "number"),
        check("number >= 1", "number_positive"),
        # At most one open round per study.
        Index(
            "uq_round_one_open_per_study",
            "study_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[RoundState] = mapped_column(
        enum_column(RoundState, "round_state"), default=RoundState.DRAFT
    )
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the deadline shown
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The consensus settings the frozen summary was computed with (ConsensusSettings.to_dict()).
    settings: Mapped[dict | None] = mapped_column(JSON)
    # Raised whenever what a closed round shows as feedback changes after it closed (an erasure
    # blanks comments), so that app servers drawing its feedback draw it again.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Why the team closed it before its deadline or below the study's minimum response.
    close_reason: Mapped[str | None] = mapped_column(Text)
    # Responses saved as drafts but never submitted, left out when the round closed.
    drafts_left_out: Mapped[int | None] = mapped_column(Integer)

    study: Mapped[Study] = relationship(back_populates="rounds")
    round_items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", order_by="RoundItem.position", cascade="all, delete-orphan"
    )
    responses: Mapped[list[Response]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    def recorded_settings(self) -> ConsensusSettings:
        """The consensus settings recorded when the round opened (a draft round has none)."""
        if self.settings is None:
            raise ConsensusError(
                f"Round {self.number} has not opened: no consensus settings are recorded for it."
            )
        return ConsensusSettings.from_dict(self.settings)

    def __repr__(self) -> str:
        return f"<Round {self.number} {self.state.value}>"


class RoundItem(Model):
    """An item as shown in one round, with the exact wording rated and, once closed, its summary."""

    __table_args__ = (UniqueConstraint("round_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    code: Mapped[str] = mapped_column(String(40))  # the item's code, as shown
    text: Mapped[str] = mapped_column(Text)  # the wording shown in this round
    position: Mapped[int] = mapped_column(Integer, default=0)

    # Frozen when the round closes (ItemSummary.to_dict()); never changed afterwards.
    summary: Mapped[dict | None] = mapped_column(JSON)
    group_summaries: Mapped[dict | None] = mapped_column(JSON)  # {group: ItemSummary dict}
    stability: Mapped[dict | None] = mapped_column(JSON)  # against the previous round
    status: Mapped[str | None] = mapped_column(String(8))  # in | out | none, from the summary

    # The team's decision after the round; proposed from the status, overridable with a reason.
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision, "decision"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The team's short summary of the arguments in the comments, written during the review and
    # shown as feedback in the next round; fixed once the next round is prepared.
    argument_summary: Mapped[str | None] = mapped_column(Text)

    round: Mapped[Round] = relationship(back_populates="round_items")
    item: Mapped[Item] = relationship()
    section: Mapped[Section] = relationship()


class Response(Model):
    """One panellist's answers to one round."""

    __table_args__ = (UniqueConstraint("round_id", "panellist_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    panellist_id: Mapped[int] = mapped_column(
        ForeignKey("panellist.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ResponseStatus] = mapped_column(
        enum_column(ResponseStatus, "response_status"), default=ResponseStatus.INVITED
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Entered by the team from paper or e-mail rather than by the panellist online.
    imported: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship(back_populates="responses")
    panellist: Mapped[Panellist] = relationship(back_populates="responses")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    section_comments: Mapped[list[SectionComment]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Rating(Model):
    """A panellist's answer to one item in one round: a point, "unable to rate", or nothing yet."""

    __table_args__ = (
        UniqueConstraint("response_id", "round_item_id"),
        check("NOT (unable AND value IS NOT NULL)", "value_or_unable"),
        # The few ratings that carry a comment or a reason, found without reading the others
        # (the review reads the remarks of a round of millions of ratings).
        Index(
            "ix_rating_remarks",
            "response_id",
            sqlite_where=text(REMARKS_WRITTEN),
            postgresql_where=text(REMARKS_WRITTEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by response through the unique constraint's index, which starts with response_id.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    round_item_id: Mapped[int] = mapped_column(
        ForeignKey("round_item.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int | None] = mapped_column(Integer)  # a point on the study's scale
    unable: Mapped[bool] = mapped_column(Boolean, default=False)  # "unable to rate"
    comment: Mapped[str | None] = mapped_column(Text)
    # Why the new rating lies outside the group's interquartile range (when the study asks).
    reason: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="ratings")
    round_item: Mapped[RoundItem] = relationship()


class SectionComment(Model):
    __table_args__ = (UniqueConstraint("response_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    comment: Mapped[str] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="section_comments")


class Suggestion(Model):
    """A new item or a rewording proposed by a panellist during a round."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    panellist_id: Mapped[int | None] = mapped_column(
        ForeignKey("panellist.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[SuggestionKind] = mapped_column(enum_column(SuggestionKind, "suggestion_kind"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))  # the item to reword
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[SuggestionStatus] = mapped_column(
        enum_column(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.PENDING
    )
    # The item made from this suggestion (a new item, or the new wording), once accepted.
    resulting_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship()
    section: Mapped[Section | None] = relationship()
    item: Mapped[Item | None] = relationship(foreign_keys=[item_id])
    resulting_item: Mapped[Item | None] = relationship(foreign_keys=[resulting_item_id])
