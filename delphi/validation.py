"""The rules every piece of text and number entered into the platform must follow.

Forms, file imports (study file, panel, responses, items) and operations all check input with
these functions, so a value accepted in one place is accepted everywhere. Each check returns
``None`` when the value is fine, or a sentence saying what is wrong, written to follow the
field's name ("Title: ..."). Callers attach the sentence to the field, line or column.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from functools import cache

# An e-mail address: one @, a dot in the domain, no spaces or characters that split address
# lists (, ; < >). 254 characters is the longest address SMTP can carry (RFC 5321).
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")
EMAIL_MAX_LENGTH = 254
# A study's address in URLs: lower-case words joined by single hyphens.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 80
# An item's or section's code, as shown to panellists and in exports: starts with a letter or
# digit (never "=", "+", "-" or "@", which spreadsheets read as a formula), then letters,
# digits, dots, hyphens and underscores.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
CODE_MAX_LENGTH = 40

# Lengths of the texts people write, shared by the forms, the files and the database columns.
TITLE_MAX_LENGTH = 300  # study and section titles, contacts, scale labels; e-mail subjects
ITEM_TEXT_MAX_LENGTH = 2000  # an item's wording, as typed, imported or reworded
NAME_MAX_LENGTH = 200  # a panellist's or staff member's name
GROUP_MAX_LENGTH = 100  # a stakeholder group's name
COMMENT_MAX_LENGTH = 4000  # a panellist's comment, reason or suggestion
LONG_TEXT_MAX_LENGTH = 20000  # message bodies, descriptions

# Whole numbers in settings are far below these; anything larger is a typing mistake.
SETTING_MAX = 1_000_000

_LINE_BREAKS = "\n\r"
# Unicode's control (Cc: U+0000-U+001F, U+007F-U+009F) and surrogate (Cs) characters, fixed sets
# by Unicode's stability policy, and the line and paragraph separators: one search finds the
# first of them, so a 20,000-row file is checked without a Python step per character.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
# The same, but tab and line breaks, which text of several lines may hold.
_CONTROL_IN_MULTILINE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]"
)


def control_character_problem(value: str, *, multiline: bool = False) -> str | None:
    """A sentence naming the first control character in ``value`` (tab and line breaks are
    allowed where ``multiline``), or None.

    NUL and the other control characters cannot be stored by PostgreSQL or written to a
    spreadsheet, and are never typed on purpose.
    """
    found = (_CONTROL_IN_MULTILINE if multiline else _CONTROL).search(value)
    if found is None:
        return None
    character = found.group()
    what = (
        "a line break"
        if character in _LINE_BREAKS
        else (f"a control character (U+{ord(character):04X})")
    )
    return f"contains {what} at character {found.start() + 1}; remove it."


def text_problem(value: str, *, max_length: int, multiline: bool = False) -> str | None:
    """What is wrong with a piece of text a person typed, or None: control characters (line
    breaks too, unless ``multiline``) and length."""
    problem = control_character_problem(value, multiline=multiline)
    if problem:
        return problem
    if len(value) > max_length:
        return f"is {len(value):,} characters long; the limit is {max_length:,}."
    return None


def header_problem(value: str, *, max_length: int = TITLE_MAX_LENGTH) -> str | None:
    """What is wrong with text that goes into an e-mail header (a subject, a title used in
    one), or None: a line break would end the header."""
    return text_problem(value, max_length=max_length, multiline=False)


def email_problem(value: str) -> str | None:
    """What is wrong with an e-mail address, or None."""
    if len(value) > EMAIL_MAX_LENGTH:
        return (
            f"is {len(value):,} characters long; an e-mail address has at most {EMAIL_MAX_LENGTH}."
        )
    if not EMAIL_PATTERN.fullmatch(value):
        return "is not an e-mail address (write it like name@example.org)."
    return None


def code_problem(value: str) -> str | None:
    """What is wrong with an item's or section's code, or None."""
    if not CODE_PATTERN.fullmatch(value):
        return (
            "must start with a letter or digit and hold only letters, digits, dots, "
            f"hyphens and underscores, at most {CODE_MAX_LENGTH} characters (like 1.2 or "
            "A3)."
        )
    return None


def slug_problem(value: str) -> str | None:
    """What is wrong with a study's short name for URLs, or None."""
    if len(value) > SLUG_MAX_LENGTH:
        return f"is {len(value)} characters long; the limit is {SLUG_MAX_LENGTH}."
    if not SLUG_PATTERN.fullmatch(value):
        return (
            "must be lower-case letters and digits in words joined by single hyphens "
            "(like cpi-guidance)."
        )
    return None


def whole_number_problem(value: object, *, minimum: int, maximum: int = SETTING_MAX) -> str | None:
    """What is wrong with a whole-number setting, or None (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number."
    if not minimum <= value <= maximum:
        return f"must be between {minimum:,} and {maximum:,}."
    return None


# Reminders are sent this many days before a round's deadline at the earliest.
REMINDER_DAY_MAX = 365
REMINDER_DAYS_MAX_LENGTH = 50  # the stored list, "7,2" (Study.reminder_days)
# Where a panellist's personal link goes in an invitation's or reminder's text.
LINK_PLACEHOLDER = "{link}"


def reminder_days_text(days: list[int]) -> str:
    """Reminder days as stored: each day once, the earliest reminder first ("7,2")."""
    return ",".join(str(day) for day in sorted(set(days), reverse=True))


# The smallest stakeholder group shown apart: with two, each member of the pair could work out
# the other's rating from the group's figures and their own.
SMALLEST_GROUP_SHOWN = 3


def scale_point_problem(point: int, scale_min: int, scale_max: int) -> str | None:
    """What is wrong with labelling ``point`` on the scale ``scale_min``-``scale_max``, or None:
    a label belongs to a point of the scale."""
    if not scale_min <= point <= scale_max:
        return f"{point} is not on the scale {scale_min} to {scale_max}"
    return None


def reminder_days_problem(days: Sequence[object]) -> str | None:
    """What is wrong with a list of reminder days before the deadline, or None."""
    for day in days:
        problem = whole_number_problem(day, minimum=1, maximum=REMINDER_DAY_MAX)
        if problem:
            return f"holds {day!r}: each day before the deadline {problem}"
    if len(reminder_days_text(days)) > REMINDER_DAYS_MAX_LENGTH:  # type: ignore[arg-type]
        return (
            f"has too many days; {REMINDER_DAYS_MAX_LENGTH} characters hold a list such as "
            "14,10,7,5,3,2,1."
        )
    return None


# The time zone a study shows its deadlines in when it names none.
DEFAULT_TIME_ZONE = "Europe/London"
TIME_ZONE_MAX_LENGTH = 64  # Study.time_zone; the longest IANA name has 32 characters


def time_zone_problem(value: str) -> str | None:
    """What is wrong with the name of a time zone, or None: it must be an IANA time zone
    known to ``zoneinfo``, written as the database writes it ("Europe/London")."""
    if value not in _time_zones():
        return (
            f"is not a known time zone ({value[:TIME_ZONE_MAX_LENGTH]!r}); write a name from "
            "the IANA time zone database, like Europe/London or America/New_York."
        )
    return None


def time_zone_names() -> list[str]:
    """Every time zone ``time_zone_problem`` accepts, in alphabetical order."""
    return sorted(_time_zones())


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def message_body_problem(value: str) -> str | None:
    """What is wrong with an invitation's or reminder's text, or None: it must say where the
    personal link goes."""
    problem = text_problem(value, max_length=LONG_TEXT_MAX_LENGTH, multiline=True)
    if problem:
        return problem
    if LINK_PLACEHOLDER not in value:
        return f"must contain {LINK_PLACEHOLDER}, where the personal link goes."
    return None


def fit(value: str, max_length: int) -> str:
    """Derived text (a rendered subject, an audit target) cut to ``max_length`` characters, an
    ellipsis marking the cut; what people typed is checked with ``text_problem`` instead."""
    return value if len(value) <= max_length else value[: max_length - 1] + "…"


LINK_MAX_LENGTH = 2000  # a document's address (StudyDocument.url)
LINK_SCHEMES = ("http", "https")


def link_problem(value: str) -> str | None:
    """What is wrong with the address of a page or document panellists are sent to, or None:
    an absolute http or https address, on one line (never javascript: or data:)."""
    problem = text_problem(value, max_length=LINK_MAX_LENGTH)
    if problem:
        return problem
    scheme, _, rest = value.partition(":")
    if scheme.lower() not in LINK_SCHEMES or not rest.startswith("//") or len(rest) < 3:
        return (
            "must be a web address starting with https:// or http:// "
            "(like https://example.org/guide.pdf)."
        )
    if any(character.isspace() for character in value):
        return "must not contain spaces; copy the address from the browser's address bar."
    return None
