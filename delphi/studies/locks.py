"""What a complete study locks: its decisions, rewordings, suggestions and item list.

The report of a complete study lists its final items; every operation that could change that
list asks ``require_not_complete`` first, so the console, the command line and any other caller
meet the same refusal. An administrator reopens the study (with a reason) to change it.
"""

from __future__ import annotations

from delphi.models import Study, StudyStatus
from delphi.rounds.errors import RoundError


def require_not_complete(study: Study, what: str, error: type[Exception] = RoundError) -> None:
    """Refuse a change to ``what`` ("decisions", "the item list") once the study is complete;
    ``error`` is the caller's own kind of refusal, so its callers show it as they show others."""
    if study.status is StudyStatus.COMPLETE:
        raise error(f"The study is complete; reopen it to change {what}.")
