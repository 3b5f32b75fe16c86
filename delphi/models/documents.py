"""Documents a study attaches for its panellists to read: uploaded files and links."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from delphi.models.base import Model, UTCDateTime, check, enum_column, utcnow

if TYPE_CHECKING:
    from delphi.models.study import Section, Study


class DocumentKind(enum.Enum):
    FILE = "file"  # uploaded, kept in the database (and so in every backup)
    LINK = "link"  # an address elsewhere


class StudyDocument(Model):
    """A file or a link attached to a study, or to one of its sections."""

    __table_args__ = (
        check(
            "(kind = 'file' AND content IS NOT NULL AND url IS NULL) OR "
            "(kind = 'link' AND url IS NOT NULL AND content IS NULL)",
            "document_file_or_link",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    # The section it belongs to; None: the study as a whole.
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    title: Mapped[str] = mapped_column(String(300))  # what the link to it says
    url: Mapped[str | None] = mapped_column(String(2000))  # a link's address (http or https)
    filename: Mapped[str | None] = mapped_column(String(255))  # a file's name, as uploaded
    content_type: Mapped[str | None] = mapped_column(String(100))  # found from the content
    size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bytes
    # The file itself; deferred so that listing documents does not read every file.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    study: Mapped[Study] = relationship()
    section: Mapped[Section | None] = relationship()

    def __repr__(self) -> str:
        return f"<StudyDocument {self.id} {self.title!r}>"
