"""Forms of the privacy pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from trainer.numberfields import WholeNumberField


class EraseForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    confirm = BooleanField(
        _l("I understand: the erasure is final and cannot be undone, not even by restoring "
           "a backup."), validators=[DataRequired()])


class RetentionForm(FlaskForm):
    district = SelectField(_l("District"), choices=[], validators=[DataRequired()])
    days = WholeNumberField(_l("Days after deactivation"),
                        validators=[DataRequired(), NumberRange(min=30, max=3650)])
