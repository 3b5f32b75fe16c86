"""Where a new section or item goes: after the last one, positions counting from 1.

Sections within a study and items within a section are ordered by ``position``; the study file,
the content page, an items import and a suggestion accepted as an item all number new ones here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Positioned(Protocol):
    position: int


def last_position(rows: Iterable[Positioned]) -> int:
    """The highest position among ``rows``; 0 when there are none (the first is 1)."""
    return max((row.position for row in rows), default=0)


def next_position(rows: Iterable[Positioned]) -> int:
    """The position of a section or item added after ``rows``: 1 for the first."""
    return last_position(rows) + 1
