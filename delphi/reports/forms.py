"""The API token form of the reports page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ApiTokenForm(FlaskForm):
    """Issue a new API token (replacing any earlier one) or revoke it."""

    issue = SubmitField("Issue a new API token")
    revoke = SubmitField("Revoke my API token")
