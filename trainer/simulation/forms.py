"""Scenario forms: field validation only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

MAX_YAML = 200_000


class ScenarioForm(FlaskForm):
    yaml = TextAreaField(_l("Scenario (YAML)"), validators=[DataRequired(),
                                                           Length(max=MAX_YAML)])


class NewScenarioForm(ScenarioForm):
    slug = StringField(_l("Short name (for links)"), validators=[DataRequired(),
                                                                 Length(max=80)])


class StatusForm(FlaskForm):
    status = HiddenField(validators=[AnyOf(("draft", "published"))])
