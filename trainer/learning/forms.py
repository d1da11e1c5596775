"""Authoring forms: field validation only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from trainer.numberfields import PlainDecimalField


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def competency_choices():
    from trainer.org.scope import COMPETENCY_LABELS

    return list(COMPETENCY_LABELS().items())


class CourseForm(FlaskForm):
    slug = StringField(_l("Short name (for links)"), validators=[Optional(), Length(max=80)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    department = SelectField(_l("Department"), choices=[])
    lecturer = StringField(_l("Lecturer"), validators=[Optional(), Length(max=120)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    # InputRequired, not DataRequired: 0 hours is a valid answer, not a missing one.
    hours = PlainDecimalField(_l("Credited hours"), places=1,
                              message=_l("Hours must be between 0 and 100."),
                              validators=[InputRequired(), NumberRange(min=0, max=100)])
    competencies = CheckboxList(_l("Competencies"), choices=competency_choices)


class LessonForm(FlaskForm):
    body = TextAreaField(_l("Lesson text (Markdown)"),
                         validators=[DataRequired(), Length(max=100_000)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))


class ModuleQuizForm(FlaskForm):
    quiz = SelectField(_l("Module quiz"), choices=[], validate_choice=False,
                       validators=[DataRequired()])


class ImageForm(FlaskForm):
    file = FileField(_l("Image (PNG, JPEG or WebP, at most 30 KB)"),
                     validators=[FileRequired()])
