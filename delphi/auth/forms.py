"""Forms for signing in and for managing staff accounts."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, PasswordField, SelectField,
                     SelectMultipleField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from delphi.auth.accounts import MIN_PASSWORD_LENGTH, normalise_email
from delphi.models import Role
from delphi.validation import email_problem

ROLE_CHOICES = [SelectChoice(Role.COORDINATOR.value, "Coordinator (assigned studies)"),
                SelectChoice(Role.ADMIN.value, "Administrator (staff accounts and every study)")]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST so another site cannot sign a user out."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffCreateForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired()])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.COORDINATOR.value)
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500,
                               message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")])
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])

    def validate_email(self, field: EmailField) -> None:
        problem = email_problem(normalise_email(field.data or ""))
        if problem:
            raise ValidationError(f"E-mail: {problem}")


class StaffEditForm(FlaskForm):
    """Change an account; ``studies`` holds the choices of studies it can be assigned to."""

    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    enabled = BooleanField("May sign in")
    studies = MultiCheckboxField("Assigned studies", coerce=int)
    password = PasswordField("New password (leave empty to keep the current one)", validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, max=500,
                           message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")])
    confirm = PasswordField("Repeat the new password", validators=[
        EqualTo("password", message="The two passwords differ.")])

    def __init__(self, *args, study_choices: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.studies.choices = study_choices
