"""Forms of the annual assessment pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from trainer.numberfields import PlainDecimalField


def _num(label):
    return PlainDecimalField(label, validators=[InputRequired()])


class RuleForm(FlaskForm):
    target_hours = _num(_l("Hours target for the year"))
    excellent_hours = _num(_l("Excellent: hours above the target"))
    excellent_assignments = _num(_l("Excellent: assignments done at least (%)"))
    excellent_quiz = _num(_l("Excellent: quiz average at least"))
    good_hours = _num(_l("Good: hours above the target"))
    good_assignments = _num(_l("Good: assignments done at least (%)"))
    good_quiz = _num(_l("Good: quiz average at least"))
    pass_hours = _num(_l("Pass: hours above the target (negative: below)"))
    pass_assignments = _num(_l("Pass: assignments done at least (%)"))
    pass_quiz = _num(_l("Pass: quiz average at least"))


class ConfirmForm(FlaskForm):
    unit = HiddenField()
    confirm = BooleanField(_l("I have checked the evidence and confirm these suggestions"),
                           validators=[DataRequired()])


class OverrideForm(FlaskForm):
    final = SelectField(_l("Final rating"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
