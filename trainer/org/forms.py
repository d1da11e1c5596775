"""Organisation forms: field validation only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from trainer.org.models import LEVELS

CODE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, hyphens and underscores only."))


def _level_choices():
    from trainer.org.scope import LEVEL_LABELS

    return [(lv, LEVEL_LABELS()[lv]) for lv in LEVELS]


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    level = SelectField(_l("Level"), choices=_level_choices)
    parent = StringField(_l("Parent unit code"), validators=[Optional(), Length(max=40)])


class RenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class MoveForm(FlaskForm):
    parent = StringField(_l("New parent unit code"), validators=[DataRequired(), Length(max=40)])


class PeopleImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[
        FileRequired(), FileAllowed(["xlsx", "csv"], _l("Only .xlsx or .csv files."))])
