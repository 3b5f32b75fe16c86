"""What makes a staff password too easy to guess: the rules, each with the reason it gives.

The common passwords are the 20,000 most common ones (a list compiled by Royce Williams, as
shipped with Django; see ``common-passwords.LICENSE``), compared in lower case.
"""

from __future__ import annotations

import gzip
import string
from functools import cache
from importlib import resources
from itertools import pairwise

MIN_PASSWORD_LENGTH = 10
# A password that is a pattern of at most this many characters repeated (ababab..., 123123...).
REPEATED_PATTERN_MAX = 4
# The part of an e-mail address before the @ counts only from this length on ("jo" would refuse
# too many good passwords).
LOCAL_PART_MIN = 3
_ADDED_TO_A_COMMON_ONE = string.digits + string.punctuation + " "
PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters; not a common password, a "
    "repeated pattern or sequence, nor the part of the e-mail address before the @."
)


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files(__package__).joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` may not protect the staff account of ``email``, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    if len(set(lowered)) == 1:
        return "The password is one character repeated; choose one that is harder to guess."
    if _repeats_a_short_pattern(lowered):
        return (
            "The password repeats a pattern of a few characters; choose one that is harder "
            "to guess."
        )
    if _is_a_sequence(lowered):
        return (
            "The password is a simple sequence (like abcdefghij or 9876543210); choose one "
            "that is harder to guess."
        )
    if lowered in common_passwords():
        return (
            "The password is one of the 20,000 most common passwords, which are tried "
            "first; choose another."
        )
    stem = lowered.rstrip(_ADDED_TO_A_COMMON_ONE)
    if stem != lowered and stem in common_passwords():
        return (
            "The password is a common password with digits or symbols added, which are "
            "tried first; choose another."
        )
    local_part = email.strip().lower().partition("@")[0]
    if len(local_part) >= LOCAL_PART_MIN and local_part in lowered:
        return (
            f"The password contains the account's e-mail name ({local_part}), which is "
            "tried first; choose another."
        )
    return None


def _repeats_a_short_pattern(password: str) -> bool:
    return any(
        password == (password[:size] * (len(password) // size + 1))[: len(password)]
        for size in range(1, REPEATED_PATTERN_MAX + 1)
    )


def _is_a_sequence(password: str) -> bool:
    """Each character one after (or one before) the previous one: abcdef, 3456789, zyxw."""
    steps = {ord(b) - ord(a) for a, b in pairwise(password)}
    return steps in ({1}, {-1})
