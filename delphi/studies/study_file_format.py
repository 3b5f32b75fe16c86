"""The study file's format: its tables and keys, the Study column each key fills, and the checked
result (``StudyFile``) that ``parse_study_file`` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from delphi.consensus.definition import Setting, in_table
from delphi.consent.study_file import Consultation
from delphi.models.nonresponse import InviteTo, ResponseUnit
from delphi.models.signup import SignupState
from delphi.models.study import CommentFeedback
from delphi.studies.consensus import column_enum
from delphi.studies.protocol import PROTOCOL_FIELDS
from delphi.validation import (
    LONG_TEXT_MAX_LENGTH,
    SETTING_MAX,
    SMALLEST_GROUP_SHOWN,
    TITLE_MAX_LENGTH,
    header_problem,
    message_body_problem,
    slug_problem,
    text_problem,
    time_zone_problem,
)

_line_text = partial(text_problem, max_length=TITLE_MAX_LENGTH)
_long_text = partial(text_problem, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)


@dataclass(frozen=True)
class Key:
    """A key of the study file and the Study column it fills."""

    attribute: str
    kind: type | tuple[type, ...] | str  # a Python type, "labels", "days", or an Enum class
    required: bool = False
    low: int = 0  # smallest allowed number
    high: int = SETTING_MAX  # largest allowed number
    check: Callable[[str], str | None] = _line_text  # what is wrong with a text, or None
    blank: bool = True  # an empty text is allowed


def _declared(table: str) -> dict[str, Key]:
    """The keys of the consensus settings declared in ``table`` (delphi/consensus/definition.py)."""
    return {setting.key: _setting_key(setting) for setting in in_table(table)}


def _setting_key(setting: Setting) -> Key:
    kind: type | tuple[type, ...] = column_enum(setting) or setting.kind
    if kind is float:
        kind = (int, float)  # a whole number is a number too
    return Key(setting.column, kind, low=setting.minimum, high=setting.maximum)


TABLES: dict[str, dict[str, Key]] = {
    "study": {
        "title": Key("title", str, required=True, check=header_problem),
        "slug": Key("slug", str, required=True, check=slug_problem),
        "description": Key("description", str, check=_long_text),
        "contact": Key("contact", str),
    },
    "scale": {
        **_declared("scale"),
        "labels": Key("scale_labels", "labels"),
        "unable_to_rate": Key("unable_to_rate", bool),
    },
    "consensus": _declared("consensus"),
    "feedback": {
        "preselect_previous": Key("preselect_previous", bool),
        "reason_outside_iqr": Key("reason_outside_iqr", bool),
        "group_feedback": Key("group_feedback", bool),
        "comment_feedback": Key("comment_feedback", CommentFeedback),
        "min_group_size": Key("min_group_size", int, low=SMALLEST_GROUP_SHOWN),
    },
    "schedule": {
        "reminder_days": Key("reminder_days", "days"),
        "auto_close": Key("auto_close", bool),
        "time_zone": Key("time_zone", str, check=time_zone_problem, blank=False),
        "invite": Key("invite_to", InviteTo),
        "min_response": Key("min_response", int, low=1),
        "min_group_response": Key("min_group_response", int, low=1),
        "min_response_unit": Key("min_response_unit", ResponseUnit),
    },
    "signup": {  # open sign-up (delphi/signup)
        "page": Key("signup", SignupState),
        "review": Key("signup_review", bool),
        "caps": Key("signup_caps", "caps"),
        "eligibility": Key("signup_questions", "eligibility"),
    },
    "protocol": {  # delphi/studies/protocol.py
        field.key: Key(field.column, int, low=1)
        if field.is_number
        else Key(field.column, str, check=_long_text)
        for field in PROTOCOL_FIELDS
    },
    "messages": {
        "invitation_subject": Key("invitation_subject", str, check=header_problem),
        "invitation_body": Key("invitation_body", str, check=message_body_problem),
        "reminder_subject": Key("reminder_subject", str, check=header_problem),
        "reminder_body": Key("reminder_body", str, check=message_body_problem),
    },
}
SECTION_KEYS = ("code", "title", "guidance", "items")
ITEM_KEYS = ("code", "text", "explanation")
DOCUMENT_KEYS = ("title", "url", "section")  # [[documents]]: links, to the study or a section


@dataclass
class ParsedItem:
    code: str
    text: str
    explanation: str = ""  # Markdown


@dataclass
class ParsedSection:
    code: str
    title: str
    items: list[ParsedItem] = field(default_factory=list)
    guidance: str = ""  # Markdown


@dataclass
class ParsedDocument:
    """A link for panellists, to the study (``section`` None) or to a section by its code."""

    title: str
    url: str
    section: str | None = None


@dataclass
class StudyFile:
    """A checked study file: the Study's column values and its sections with their items."""

    settings: dict[str, object]
    sections: list[ParsedSection]
    documents: list[ParsedDocument] = field(default_factory=list)
    consultation: Consultation = field(default_factory=Consultation)  # [consent], [[background]]

    @property
    def slug(self) -> str:
        return str(self.settings["slug"])
