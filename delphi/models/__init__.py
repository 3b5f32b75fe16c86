"""The data model of a Delphi study, split by aggregate."""

from delphi.models.audit import AuditEvent
from delphi.models.base import utcnow
from delphi.models.consent import (
    BackgroundAnswer,
    BackgroundQuestion,
    ConsentEvent,
    ConsentEventKind,
    ConsentVersion,
    QuestionKind,
    WithdrawalRule,
)
from delphi.models.documents import DocumentKind, StudyDocument
from delphi.models.frozen import FrozenRemarks
from delphi.models.mail import MessageStatus, OutboxMessage
from delphi.models.nonresponse import InviteTo, ResponseUnit
from delphi.models.panel import Panellist
from delphi.models.rounds import (
    Decision,
    Rating,
    Response,
    ResponseStatus,
    Round,
    RoundItem,
    RoundState,
    SectionComment,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from delphi.models.signup import JoinedBy, Signup, SignupState, SignupStatus
from delphi.models.staff import Role, StaffUser
from delphi.models.study import (
    CommentFeedback,
    ConsensusRule,
    Item,
    ItemOrigin,
    QuantileMethod,
    Section,
    StabilityMeasure,
    Study,
    StudyStatus,
    UnableCounts,
    WilcoxonMethod,
    study_staff,
)
from delphi.models.tally import RatingTally, TallyKind

__all__ = [
    "AuditEvent",
    "BackgroundAnswer",
    "BackgroundQuestion",
    "CommentFeedback",
    "ConsensusRule",
    "ConsentEvent",
    "ConsentEventKind",
    "ConsentVersion",
    "Decision",
    "DocumentKind",
    "FrozenRemarks",
    "InviteTo",
    "Item",
    "ItemOrigin",
    "JoinedBy",
    "MessageStatus",
    "OutboxMessage",
    "Panellist",
    "QuantileMethod",
    "QuestionKind",
    "Rating",
    "RatingTally",
    "Response",
    "ResponseStatus",
    "ResponseUnit",
    "Role",
    "Round",
    "RoundItem",
    "RoundState",
    "Section",
    "SectionComment",
    "Signup",
    "SignupState",
    "SignupStatus",
    "StabilityMeasure",
    "StaffUser",
    "Study",
    "StudyDocument",
    "StudyStatus",
    "Suggestion",
    "SuggestionKind",
    "SuggestionStatus",
    "TallyKind",
    "UnableCounts",
    "WilcoxonMethod",
    "WithdrawalRule",
    "study_staff",
    "utcnow",
]
