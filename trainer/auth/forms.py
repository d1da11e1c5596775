"""Account forms: field validation only, no database queries."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from trainer.auth.models import ROLES


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    next = HiddenField()
    # Offered only on the way to a session's sign-in (a worker's own phone): see views.
    remember = BooleanField(_l("This is my own phone: keep me signed in until I log out"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))])


def _role_choices():
    from trainer.org.scope import ROLE_LABELS

    return [(r, ROLE_LABELS()[r]) for r in ROLES]


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[A-Za-z0-9_.]+$", message=_l("Letters, digits, dots and underscores only."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    phone = StringField(_l("Mobile"), validators=[
        Optional(), Regexp(r"^1\d{10}$", message=_l("Enter an 11-digit mobile number."))])
    role = SelectField(_l("Role"), choices=_role_choices)
    unit = StringField(_l("Unit code"), validators=[Optional(), Length(max=40)])
    department = SelectField(_l("Department"), choices=[])
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=8, max=128)])


class ScopeForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices)
    unit = StringField(_l("Unit code"), validators=[Optional(), Length(max=40)])
    department = SelectField(_l("Department"), choices=[])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=8, max=128)])


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected button."""


class CodeForm(FlaskForm):
    """A six-digit authenticator code or, where accepted, a recovery code."""

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=24)])


class ResetSecondFactorForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    confirm = BooleanField(_l("I have confirmed who is asking, in person or by phone."),
                           validators=[DataRequired()])
