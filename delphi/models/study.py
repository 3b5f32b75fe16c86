"""A study: its scale, its consensus definition, and its guidance sections and items."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from delphi.consensus.definition import BY_COLUMN
from delphi.extensions import db
from delphi.models.base import Model, UTCDateTime, check, enum_column, utcnow
from delphi.models.consent import WithdrawalRule
from delphi.models.nonresponse import InviteTo, ResponseUnit
from delphi.models.signup import SignupState
from delphi.validation import DEFAULT_TIME_ZONE

if TYPE_CHECKING:
    from delphi.models.rounds import Round
    from delphi.models.staff import StaffUser


class StudyStatus(enum.Enum):
    SETUP = "setup"  # being prepared; no round has opened
    RUNNING = "running"  # round 1 has opened
    COMPLETE = "complete"  # the team marked it complete


class ConsensusRule(enum.Enum):
    COMET = "comet"
    PERCENT = "percent"
    IQR = "iqr"
    RAND = "rand"


class QuantileMethod(enum.Enum):
    LINEAR = "linear"  # Hyndman & Fan type 7: R, numpy, Excel PERCENTILE.INC
    WEIBULL = "weibull"  # Hyndman & Fan type 6: SPSS, Minitab, Excel PERCENTILE.EXC


class CommentFeedback(enum.Enum):
    """What panellists see of the previous round's comments from round 2 on."""

    COMMENTS = "comments"  # the comments as written, anonymised
    SUMMARY = "summary"  # the research team's summary of the arguments
    BOTH = "both"

    @property
    def label(self) -> str:
        """Its words on the study form and in the study file's description."""
        return COMMENT_FEEDBACK_WORDS[self]


COMMENT_FEEDBACK_WORDS = {
    CommentFeedback.COMMENTS: "The comments as written (anonymised)",
    CommentFeedback.SUMMARY: "The research team's summary of the arguments",
    CommentFeedback.BOTH: "Both the summary and the comments",
}


class UnableCounts(enum.Enum):
    LEFT_OUT = "left_out"  # percentages are of ratings on the scale
    NOT_AGREEING = "not_agreeing"  # "unable to rate" joins every percentage's denominator


class StabilityMeasure(enum.Enum):
    PANELLISTS = "panellists"  # the share of panellists who changed their rating
    NET_CHANGE = "net_change"  # the change in the distribution (Scheibe et al. 1975)


class WilcoxonMethod(enum.Enum):
    EXACT_SMALL_PANELS = "exact_small_panels"  # scipy's default
    ASYMPTOTIC = "asymptotic"  # normal approximation throughout, as SPSS


class ItemOrigin(enum.Enum):
    GUIDANCE = "guidance"  # written by the research team
    SUGGESTION = "suggestion"  # proposed by a panellist
    REWORDING = "rewording"  # a new wording of another item


def _declared_default(column: str) -> object:
    """A consensus setting's default, as declared once (delphi/consensus/definition.py)."""
    return BY_COLUMN[column].default


study_staff = db.Table(
    "study_staff",
    db.Column("study_id", ForeignKey("study.id", ondelete="CASCADE"), primary_key=True),
    db.Column("staff_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)


class Study(Model):
    __table_args__ = (
        check("scale_max - scale_min >= 2", "scale_has_three_points"),
        check("min_ratings >= 1", "min_ratings_positive"),
        check("agreement_pct BETWEEN 1 AND 100", "agreement_pct_range"),
        check("opposite_max_pct BETWEEN 0 AND 100", "opposite_max_pct_range"),
        check("percent_threshold BETWEEN 1 AND 100", "percent_threshold_range"),
        check("stability_max_pct BETWEEN 0 AND 100", "stability_max_pct_range"),
        check("net_change_max_pct BETWEEN 0 AND 100", "net_change_max_pct_range"),
        check("min_group_size >= 3", "min_group_size_at_least_three"),
        check("protocol_rounds_planned >= 1", "protocol_rounds_planned_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Whom panellists contact about the study (shown on error pages and in e-mails).
    contact: Mapped[str] = mapped_column(String(300), default="", server_default="")
    status: Mapped[StudyStatus] = mapped_column(
        enum_column(StudyStatus, "study_status"), default=StudyStatus.SETUP
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The protocol as the report states it (declared with labels in delphi/studies/protocol.py):
    # plain text, "" when not reported.
    protocol_aim: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_scope: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_registration: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_steering_group: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_eligibility: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_recruitment: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_panel_size: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_piloting: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_ethics: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_funding: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_conflicts: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_rounds_planned: Mapped[int | None] = mapped_column(Integer)  # None: not reported
    protocol_stopping_rule: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_rationale: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_update_of: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_public_involvement: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_review_methods: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_definition_rationale: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_comment_analysis: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_languages: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_changes: Mapped[str] = mapped_column(Text, default="", server_default="")
    protocol_endorsement: Mapped[str] = mapped_column(Text, default="", server_default="")

    # The rating scale.
    scale_min: Mapped[int] = mapped_column(Integer, default=_declared_default("scale_min"))
    scale_max: Mapped[int] = mapped_column(Integer, default=_declared_default("scale_max"))
    # Labels of scale points, keyed by the point as a string: {"1": "Not important", ...}.
    scale_labels: Mapped[dict] = mapped_column(JSON, default=dict)
    unable_to_rate: Mapped[bool] = mapped_column(Boolean, default=True)

    # The consensus definition, fixed when round 1 opens. Each column is a setting declared in
    # delphi/consensus/definition.py, which says what it means and gives its default.
    consensus_rule: Mapped[ConsensusRule] = mapped_column(
        enum_column(ConsensusRule, "consensus_rule"),
        default=ConsensusRule(_declared_default("consensus_rule")),
    )
    quantile_method: Mapped[QuantileMethod] = mapped_column(
        enum_column(QuantileMethod, "quantile_method"),
        default=QuantileMethod(_declared_default("quantile_method")),
    )
    # The last point of the low region; None: the default for the scale.
    low_to: Mapped[int | None] = mapped_column(Integer)
    high_from: Mapped[int | None] = mapped_column(Integer)  # first point of the high region
    agreement_pct: Mapped[int] = mapped_column(
        Integer, default=_declared_default("agreement_pct")
    )  # comet: share needed in a region
    opposite_max_pct: Mapped[int] = mapped_column(
        Integer, default=_declared_default("opposite_max_pct")
    )  # comet: share allowed opposite
    opposite_inclusive: Mapped[bool] = mapped_column(
        Boolean, default=_declared_default("opposite_inclusive")
    )  # "at most", not "fewer than"
    percent_threshold: Mapped[int] = mapped_column(
        Integer, default=_declared_default("percent_threshold")
    )  # percent rule
    iqr_max: Mapped[float | None] = mapped_column(Float)  # iqr rule; None: 1 up to 7 points, else 2
    min_ratings: Mapped[int] = mapped_column(Integer, default=_declared_default("min_ratings"))
    per_group_consensus: Mapped[bool] = mapped_column(
        Boolean, default=_declared_default("per_group_consensus")
    )
    stability_max_pct: Mapped[int] = mapped_column(
        Integer, default=_declared_default("stability_max_pct")
    )
    # How "unable to rate" enters percentages, which stability measure decides, its threshold,
    # and how the stability p-value is computed (declared in delphi/consensus/definition.py).
    unable_counts: Mapped[UnableCounts] = mapped_column(
        enum_column(UnableCounts, "unable_counts"),
        default=UnableCounts(_declared_default("unable_counts")),
        server_default=str(_declared_default("unable_counts")),
    )
    stability_measure: Mapped[StabilityMeasure] = mapped_column(
        enum_column(StabilityMeasure, "stability_measure"),
        default=StabilityMeasure(_declared_default("stability_measure")),
        server_default=str(_declared_default("stability_measure")),
    )
    net_change_max_pct: Mapped[int] = mapped_column(
        Integer,
        default=_declared_default("net_change_max_pct"),
        server_default=str(_declared_default("net_change_max_pct")),
    )
    wilcoxon_method: Mapped[WilcoxonMethod] = mapped_column(
        enum_column(WilcoxonMethod, "wilcoxon_method"),
        default=WilcoxonMethod(_declared_default("wilcoxon_method")),
        server_default=str(_declared_default("wilcoxon_method")),
    )

    # What panellists see from round 2 on.
    preselect_previous: Mapped[bool] = mapped_column(Boolean, default=False)
    reason_outside_iqr: Mapped[bool] = mapped_column(Boolean, default=False)
    group_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)  # smallest group shown apart
    comment_feedback: Mapped[CommentFeedback] = mapped_column(
        enum_column(CommentFeedback, "comment_feedback"),
        default=CommentFeedback.COMMENTS,
        server_default=CommentFeedback.COMMENTS.value,
    )

    # Scheduling and messages.
    reminder_days: Mapped[str] = mapped_column(String(50), default="7,2")  # days before deadline
    auto_close: Mapped[bool] = mapped_column(Boolean, default=False)  # close at the deadline
    # The IANA time zone panellists read deadlines in ("Europe/London"); times are stored in UTC.
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    invitation_subject: Mapped[str | None] = mapped_column(String(300))
    invitation_body: Mapped[str | None] = mapped_column(Text)
    reminder_subject: Mapped[str | None] = mapped_column(String(300))
    reminder_body: Mapped[str | None] = mapped_column(Text)
    # What happens to a panellist's answers when they withdraw consent; shown on the sheet.
    withdrawal_rule: Mapped[WithdrawalRule] = mapped_column(
        enum_column(WithdrawalRule, "withdrawal_rule"),
        default=WithdrawalRule.KEEP,
        server_default=WithdrawalRule.KEEP.value,
    )
    # Non-response: who a later round invites, and the smallest response a round should reach
    # before it closes (overall and in each stakeholder group; None: no minimum), counted in
    # ``min_response_unit``. Closing below it, or before the deadline, asks for a reason.
    invite_to: Mapped[InviteTo] = mapped_column(
        enum_column(InviteTo, "invite_to"), default=InviteTo.ALL, server_default=InviteTo.ALL.value
    )
    min_response: Mapped[int | None] = mapped_column(Integer)
    min_group_response: Mapped[int | None] = mapped_column(Integer)
    min_response_unit: Mapped[ResponseUnit] = mapped_column(
        enum_column(ResponseUnit, "min_response_unit"),
        default=ResponseUnit.PERCENT,
        server_default=ResponseUnit.PERCENT.value,
    )
    # Open sign-up (delphi/signup): the public page's state, whether the team reviews each
    # confirmed sign-up, the most sign-ups each group takes ({group: number}), and the
    # eligibility questions ([{"text", "choices", "accepted"}]).
    signup: Mapped[SignupState] = mapped_column(
        enum_column(SignupState, "signup_state"),
        default=SignupState.OFF,
        server_default=SignupState.OFF.value,
    )
    signup_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    signup_caps: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    signup_questions: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    sections: Mapped[list[Section]] = relationship(
        back_populates="study", order_by="Section.position", cascade="all, delete-orphan"
    )
    # Positions count within a section, so they tie across sections: order by section first
    # and break ties by id, or PostgreSQL returns tied rows in whatever order it finds them.
    items: Mapped[list[Item]] = relationship(
        back_populates="study",
        order_by="[Item.section_id, Item.position, Item.id]",
        cascade="all, delete-orphan",
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="study", order_by="Round.number", cascade="all, delete-orphan"
    )
    staff: Mapped[list[StaffUser]] = relationship(secondary=study_staff, back_populates="studies")

    @property
    def scale_points(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))

    @property
    def consensus_locked(self) -> bool:
        """The consensus definition was stated in advance: it cannot change once round 1 opened."""
        return any(r.opened_at is not None for r in self.rounds)

    def label_for(self, point: int) -> str:
        return self.scale_labels.get(str(point), "")

    def __repr__(self) -> str:
        return f"<Study {self.slug}>"


class Section(Model):
    __table_args__ = (UniqueConstraint("study_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The guidance text the section stands for, in Markdown, shown above its items.
    guidance: Mapped[str] = mapped_column(Text, default="", server_default="")

    study: Mapped[Study] = relationship(back_populates="sections")
    items: Mapped[list[Item]] = relationship(back_populates="section", order_by="Item.position")


class Item(Model):
    """A guidance item. Its text never changes once shown: a rewording is a new item."""

    __table_args__ = (UniqueConstraint("study_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    # A short explanation in Markdown, shown under the wording.
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[ItemOrigin] = mapped_column(
        enum_column(ItemOrigin, "item_origin"), default=ItemOrigin.GUIDANCE
    )
    # The item this one rewords (origin "rewording").
    reworded_from_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    rewording_reason: Mapped[str | None] = mapped_column(Text)
    # Retired items are not put into new rounds; their history stays.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[Study] = relationship(back_populates="items")
    section: Mapped[Section] = relationship(back_populates="items")
    reworded_from: Mapped[Item | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Item {self.code}>"
