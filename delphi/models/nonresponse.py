"""What a study states about non-response: who each later round invites, and how the smallest
acceptable response is counted."""

from __future__ import annotations

import enum


class InviteTo(enum.Enum):
    """Who a round after the first invites."""

    ALL = "all"  # every active panellist
    RESPONDERS = "responders"  # only those who submitted in the round before

    @property
    def label(self) -> str:
        return {
            InviteTo.ALL: "Every active panellist",
            InviteTo.RESPONDERS: "Only those who submitted the round before",
        }[self]


class ResponseUnit(enum.Enum):
    """How a minimum response is counted."""

    PERCENT = "percent"  # of the panellists invited
    PANELLISTS = "panellists"  # a number of submitted responses

    @property
    def label(self) -> str:
        return {ResponseUnit.PERCENT: "% of those invited", ResponseUnit.PANELLISTS: "panellists"}[
            self
        ]
