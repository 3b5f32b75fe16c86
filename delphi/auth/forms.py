"""Forms for signing in and for managing staff accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from delphi.auth.accounts import normalise_email
from delphi.auth.passwords import PASSWORD_HINT, password_problem
from delphi.models import Role
from delphi.validation import email_problem

ROLE_CHOICES = [
    SelectChoice(Role.COORDINATOR.value, "Coordinator (assigned studies)"),
    SelectChoice(Role.ADMIN.value, "Administrator (staff accounts and every study)"),
]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST so another site cannot sign a user out."""


def check_password(email: str, field: PasswordField) -> None:
    """A password field's rule: long enough and not easy to guess for this account."""
    problem = password_problem(field.data or "", email=email)
    if problem is not None:
        raise ValidationError(problem)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffCreateForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired()])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.COORDINATOR.value)
    password = PasswordField(
        "Password", description=PASSWORD_HINT, validators=[DataRequired(), Length(max=500)]
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )

    def validate_email(self, field: EmailField) -> None:
        problem = email_problem(normalise_email(field.data or ""))
        if problem:
            raise ValidationError(f"E-mail: {problem}")

    def validate_password(self, field: PasswordField) -> None:
        check_password(self.email.data or "", field)


class StaffEditForm(FlaskForm):
    """Change the account of ``account_email``; ``study_choices``: the studies it may be given."""

    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    enabled = BooleanField("May sign in")
    studies = MultiCheckboxField("Assigned studies", coerce=int)
    password = PasswordField(
        "New password (leave empty to keep the current one)",
        description=PASSWORD_HINT,
        validators=[Optional(), Length(max=500)],
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[EqualTo("password", message="The two passwords differ.")],
    )

    def __init__(self, *args, account_email: str, study_choices: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
        self.studies.choices = study_choices

    def validate_password(self, field: PasswordField) -> None:
        check_password(self.account_email, field)
