"""What the review of a closed round reads of its remarks, stored when the round closes so the
first visit after an app restart reads one row instead of a window over every remark."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from delphi.models.base import Model


class FrozenRemarks(Model):
    """A closed round's first remarks per item and section, as the review shows them."""

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    # What the remarks were read under (closing time, revision, smallest group shown, the
    # groups' sizes): a stored copy whose key differs from today's is not used.
    key: Mapped[str] = mapped_column(Text)
    # {"comments" | "reasons": {round item id: [total, [[group, text], ...]]},
    #  "sections": {section id: [total, [[group, text], ...]]}}
    remarks: Mapped[dict] = mapped_column(JSON)
