"""The forms of the reports page: queue a build, download a built file, the API token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from delphi.models import RoundState, Study
from delphi.reports import FORMATS
from delphi.reports.builds import BUNDLE, VIEW


class BuildForm(FlaskForm):
    """Queue a build: ``build`` is a format's name (or ``bundle``, or ``view`` for the report
    to read), then ``:N`` for a closed round's report alone; each button of the reports page
    sends its own."""

    build = StringField("What to build", validators=[InputRequired("Choose a file to build.")])

    def __init__(self, study: Study, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.closed = {
            str(r.number): r.number for r in study.rounds if r.state is RoundState.CLOSED
        }
        self.what = ""
        self.round_number: int | None = None

    def validate_build(self, field: StringField) -> None:
        what, colon, number = (field.data or "").partition(":")
        if what not in FORMATS and what not in (BUNDLE, VIEW):
            raise ValidationError(f"There is no format called {what!r}: choose one on the page.")
        if colon and (what == BUNDLE or number not in self.closed):
            # compared as text: "²" or a 5,000-digit number is simply not a closed round
            raise ValidationError(
                "Only a closed round has a report of its own; the bundle covers the whole study."
            )
        self.what, self.round_number = what, self.closed[number] if colon else None


class DownloadForm(FlaskForm):
    """Download a built file (which removes it from the queue's storage)."""

    download = SubmitField("Download")


class ApiTokenForm(FlaskForm):
    """Issue a new API token (replacing any earlier one) or revoke it."""

    issue = SubmitField("Issue a new API token")
    revoke = SubmitField("Revoke my API token")
