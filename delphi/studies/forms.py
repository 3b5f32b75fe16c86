"""Forms of the study set-up that live with their operations: importing sections and items."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField


class ItemsImportForm(FlaskForm):
    """Sections and items as a file, or as rows pasted in: one of the two."""

    file = FileField("File (CSV UTF-8 or Excel .xlsx)")
    pasted = TextAreaField("Or paste the rows, the header row first")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        pasted = (self.pasted.data or "").strip()
        if self.file.data and pasted:
            self.pasted.errors.append("Choose a file or paste the rows, not both.")
            return False
        if not self.file.data and not pasted:
            self.file.errors.append("Choose a file, or paste the rows below.")
            return False
        return True

    def source(self) -> tuple[bytes, str]:
        """The rows' bytes and the name problems are reported under."""
        if self.file.data:
            return self.file.data.read(), self.file.data.filename or "items file"
        return self.pasted.data.encode("utf-8"), "pasted rows"
