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
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    level = SelectField(_l("Level"), choices=_level_choices)
    # chosen by name and path (trainer.org.pickers.parent_choices); the value is a code
    parent = SelectField(_l("Parent unit"), choices=[], validate_choice=False,
                         validators=[Optional(), Length(max=40)])
    code = StringField(_l("Code (optional: made from the name when empty)"),
                       validators=[Optional(), Length(max=40), CODE])


class RenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class MoveForm(FlaskForm):
    parent = SelectField(_l("New parent unit"), choices=[], validate_choice=False,
                         validators=[DataRequired(), Length(max=40)])


class PeopleImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[
        FileRequired(), FileAllowed(["xlsx", "csv"], _l("Only .xlsx or .csv files."))])
