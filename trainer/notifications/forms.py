"""The notification settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import Length, Optional, Regexp


class SettingsForm(FlaskForm):
    assignment_due = BooleanField(_l("Required training due within three days"))
    assignment_overdue = BooleanField(_l("Required training overdue"))
    session_tomorrow = BooleanField(_l("A training session within a day"))
    round_opening = BooleanField(_l("A competition round opening"))
    results_published = BooleanField(_l("Competition results published"))
    email_on = BooleanField(_l("Also send them by e-mail"))
    email = EmailField(_l("E-mail address"),
                       validators=[Optional(), Length(max=254), Regexp(
                           r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                           message=_l("Enter an e-mail address like name@example.com."))])
