"""Quiz and question bank forms: field validation only (no database queries)."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from trainer.numberfields import PlainDecimalField, WholeNumberField
from trainer.quizzes.items import COMPETENCIES, KEYS


def type_choices():
    return [("single", _l("Single choice")), ("multiple", _l("Multiple choice")),
            ("truefalse", _l("True or false")), ("short", _l("Fill in the blank")),
            ("numerical", _l("Numerical"))]


def review_choices():
    return [("after_submit", _l("Right after submitting")),
            ("after_close", _l("After the quiz closes")), ("never", _l("Never"))]


def competency_choices(blank=None):
    from trainer.org.scope import competency_label

    head = [("", blank)] if blank is not None else []
    return head + [(code, competency_label(code)) for code in COMPETENCIES]


DIFFICULTY = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


class QuestionForm(FlaskForm):
    type = SelectField(_l("Type"), choices=type_choices)
    stem = TextAreaField(_l("Question (Markdown)"), validators=[DataRequired(),
                                                                 Length(max=5000)])
    option_a = StringField(_l("Option A"), validators=[Length(max=500)])
    option_b = StringField(_l("Option B"), validators=[Length(max=500)])
    option_c = StringField(_l("Option C"), validators=[Length(max=500)])
    option_d = StringField(_l("Option D"), validators=[Length(max=500)])
    option_e = StringField(_l("Option E"), validators=[Length(max=500)])
    option_f = StringField(_l("Option F"), validators=[Length(max=500)])
    answer = StringField(_l("Answer"), validators=[DataRequired(), Length(max=1000)])
    partial = BooleanField(_l("Partial credit for multiple choice"))
    explanation = TextAreaField(_l("Explanation (Markdown)"), validators=[Length(max=5000)])
    difficulty = SelectField(_l("Difficulty"), choices=DIFFICULTY, default="3")
    category = StringField(_l("Category"), validators=[Length(max=120)])
    competencies = SelectMultipleField(_l("Competencies"), choices=competency_choices,
                                       validate_choice=True)
    tags = StringField(_l("Tags (separated by commas)"), validators=[Length(max=300)])
    points = PlainDecimalField(_l("Points"), default=1, places=None,
                               message=_l("Enter a number, such as 1 or 0.5."),
                               validators=[DataRequired(), NumberRange(min=0.1, max=100)])
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    bank = StringField(_l("Bank"), validators=[Length(max=120)])

    def option_texts(self) -> list[str]:
        return [getattr(self, f"option_{k.lower()}").data or "" for k in KEYS]


class ImportForm(FlaskForm):
    file = FileField(_l("Question file (.gift, .xlsx or .csv)"), validators=[
        FileRequired(), FileAllowed(["gift", "txt", "xlsx", "csv"],
                                    _l("Only .gift, .txt, .xlsx or .csv files."))])
    bank = StringField(_l("Bank"), validators=[Length(max=120)])
    department = SelectField(_l("Department"), choices=[], validate_choice=False)


class PracticeForm(FlaskForm):
    topic = SelectField(_l("What to practise"), choices=[], validate_choice=False)
    feedback = RadioField(_l("When to see the answers"), default="each", choices=[
        ("each", _l("After each question")), ("end", _l("All at the end"))],
        validate_choice=False)


class RuleForm(Form):
    count = WholeNumberField(_l("How many"), validators=[Optional(), NumberRange(min=1, max=200)])
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    competency = SelectField(_l("Competency"), choices=[], validate_choice=False)
    category = StringField(_l("Category"), validators=[Length(max=120)])
    tag = StringField(_l("Tag"), validators=[Length(max=120)])
    min_difficulty = SelectField(_l("Difficulty from"), choices=DIFFICULTY, default="1")
    max_difficulty = SelectField(_l("to"), choices=DIFFICULTY, default="5")


class QuestionPicks(SelectMultipleField):
    """The questions of a fixed quiz, ticked in a list grouped by department (the values
    are their numbers). A value holding several numbers, typed as before (“12, 15”), is
    read too, and its order kept (``typed``)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
    typed = False

    def process_formdata(self, valuelist):
        ids: list[str] = []
        for value in valuelist:
            ids += re.findall(r"[0-9]+", unicodedata.normalize("NFKC", value or ""))
        self.data = list(dict.fromkeys(ids))[:2000]
        self.typed = len(valuelist) == 1 and len(self.data) > 1

    def pre_validate(self, form) -> None:
        """Any number: the quiz's service says which are unknown or retired, in Chinese."""


class QuizForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    mode = RadioField(_l("Questions"), default="fixed", choices=[
        SelectChoice("fixed", _l("A fixed list")), SelectChoice("draw", _l("Drawn by rules"))])
    question_ids = QuestionPicks(_l("Questions of the quiz"), choices=[])
    pick = WholeNumberField(_l("Draw this many of the list per attempt (all when empty)"),
                            validators=[Optional(), NumberRange(min=1, max=500)])
    rules = FieldList(FormField(RuleForm), min_entries=3, max_entries=10)
    time_limit = WholeNumberField(_l("Time limit in minutes (none when empty)"),
                                  validators=[Optional(), NumberRange(min=1, max=600)])
    max_attempts = WholeNumberField(_l("Allowed attempts (unlimited when empty)"),
                                    validators=[Optional(), NumberRange(min=1, max=100)])
    pass_percent = WholeNumberField(_l("Pass mark (%)"), default=60,
                                    validators=[InputRequired(), NumberRange(min=0, max=100)])
    shuffle_questions = BooleanField(_l("Shuffle the questions for each attempt"),
                                     default=True)
    shuffle_options = BooleanField(_l("Shuffle the options for each attempt"), default=True)
    review = SelectField(_l("Show answers"), choices=review_choices)
    opens_at = DateTimeLocalField(_l("Opens at"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at"), validators=[Optional()])
    street = SelectField(_l("Open to"), choices=[], validate_choice=False)
    published = BooleanField(_l("Published (workers can see it)"))
