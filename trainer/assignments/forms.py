"""The form to assign required training (the audience's checkboxes are read from the request:
their choices are the organiser's units and the people found)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class AssignmentForm(FlaskForm):
    target = SelectField(_l("Course, quiz or scenario"), validators=[DataRequired()],
                         validate_choice=False)
    due = DateField(_l("Due date"), validators=[DataRequired()])
    plan = SelectField(_l("Part of a plan (optional)"), validators=[Optional()],
                       validate_choice=False)
    q = StringField(_l("Find people by name"), validators=[Optional(), Length(max=40)])
