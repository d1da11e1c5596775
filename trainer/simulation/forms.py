"""Scenario forms: field validation only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
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


class EditorForm(FlaskForm):
    """The visual editor's forms: CSRF here, the node and choice fields read by the view;
    ``rev`` is the draft revision the form was read at."""

    rev = HiddenField()


class ImportForm(FlaskForm):
    """Upload a scenario file (step one), then confirm its short name (step two)."""

    file = FileField(_l("Scenario file"), validators=[
        FileAllowed(["yml", "yaml", "twee", "html", "htm"],
                    _l("Upload a .yml, .yaml, .twee or Twine .html file."))])
    text = TextAreaField(validators=[Length(max=MAX_YAML * 5)])
    filename = HiddenField(validators=[Length(max=200)])
    slug = StringField(_l("Short name (for links)"), validators=[Length(max=80)])
    confirm = BooleanField(_l("导入为草稿"))
