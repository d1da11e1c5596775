"""Plans forms: field validation only (choices that need the database are set by views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.numberfields import PlainDecimalField, WholeNumberField
from trainer.plans.labels import ATTENDANCE_LABELS, KIND_LABELS

COMPETENCIES = ("communication", "coordination", "mediation", "information", "public_opinion")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _competency_choices():
    from trainer.org.scope import competency_label

    return [(c, competency_label(c)) for c in COMPETENCIES]


class PlanForm(FlaskForm):
    priorities = TextAreaField(_l("This year's grid-work priorities"),
                               validators=[Length(max=5000)])
    departments = CheckboxesField(_l("Departments that teach"), choices=[])
    competencies = CheckboxesField(_l("Competencies to build"), choices=_competency_choices)
    half1_focus = TextAreaField(_l("First half-year focus"), validators=[Length(max=2000)])
    half2_focus = TextAreaField(_l("Second half-year focus"), validators=[Length(max=2000)])


class NewPlanForm(PlanForm):
    street = SelectField(_l("Street"), choices=[], validators=[DataRequired()])
    year = WholeNumberField(_l("Year"), validators=[InputRequired()])


class CopyPlanForm(FlaskForm):
    street = SelectField(_l("Street"), choices=[], validators=[DataRequired()])
    year = WholeNumberField(_l("Year"), validators=[InputRequired()])


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                   ("return", _l("Return for changes"))],
                          validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])


class CommentForm(FlaskForm):
    remark = TextAreaField(_l("Comment"))  # empty or too long: the service says which


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=lambda: list(KIND_LABELS().items()))
    half = SelectField(_l("Half-year"), choices=[("1", _l("First half-year")),
                                                 ("2", _l("Second half-year"))])
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Length(max=120)])
    online_url = StringField(_l("Online link"), validators=[Length(max=300)])
    department = SelectField(_l("Department"), choices=[])
    lecturer = SelectField(_l("Lecturer (a trainer account)"), choices=[])
    lecturer_name = StringField(_l("Or the lecturer's name"), validators=[Length(max=60)])
    hours = PlainDecimalField(_l("Hours credited"), places=1, validators=[InputRequired()])
    capacity = WholeNumberField(_l("Capacity"), validators=[Optional()])
    audience_kind = SelectField(_l("Audience"), choices=[
        ("street", _l("The whole street")), ("communities", _l("Some communities")),
        ("grids", _l("Some grids")), ("users", _l("Named people"))])
    audience_codes = StringField(_l("Community or grid codes, or usernames"),
                                 validators=[Length(max=4000)])
    courses = StringField(_l("Courses (slugs, comma-separated)"), validators=[Length(max=1000)])
    scenarios = StringField(_l("Scenarios (slugs, comma-separated)"),
                            validators=[Length(max=1000)])
    quizzes = StringField(_l("Quizzes (numbers, comma-separated)"),
                          validators=[Length(max=1000)])


class MarkForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    status = SelectField(_l("Attendance"), choices=lambda: list(ATTENDANCE_LABELS().items()))


class RollCallForm(FlaskForm):
    """The whole roll call in one form: ``user_id`` (repeated) lists the rows,
    ``status-<id>`` each row's choice (empty: left as it is), ``bulk`` the button pressed
    to mark every row left empty."""


class FeedbackForm(FlaskForm):
    rating = RadioField(_l("How useful was this session? (1–5)"),
                        choices=[(str(n), str(n)) for n in range(1, 6)],
                        validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])


class CheckinForm(FlaskForm):
    """Only the CSRF token: the proof of the scan is in the scanner's own cookie."""


class TypedCodeForm(FlaskForm):
    """The six digits shown under the QR code (typed when the camera or the scan fails)."""

    code = StringField(_l("Six-digit code"), validators=[DataRequired(), Length(min=6, max=6)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code",
                                  "pattern": "[0-9]{6}", "maxlength": 6})
