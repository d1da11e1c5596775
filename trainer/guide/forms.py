"""Guide forms: field validation only (the entry's rules live in entry_format)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from trainer.guide.catalogue import CONTACT_KINDS, HOTLINES


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EntryForm(FlaskForm):
    situation = StringField(_l("Situation"), validators=[DataRequired(), Length(max=120)])
    keywords = StringField(_l("Keywords"), validators=[Optional(), Length(max=500)])
    hotlines = CheckboxList(_l("Hotlines"))
    laws = TextAreaField(_l("Legal basis"), validators=[Optional(), Length(max=2000)])
    contacts = CheckboxList(_l("Local contacts to show"))
    steps = TextAreaField(_l("First steps"), validators=[DataRequired(), Length(max=4000)])
    lessons = TextAreaField(_l("Related lessons"), validators=[Optional(), Length(max=2000)])
    scenarios = TextAreaField(_l("Related scenarios"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hotlines.choices = [SelectChoice(code, f"{code} {label}")
                                 for code, label in HOTLINES().items()]
        self.contacts.choices = [SelectChoice(*item) for item in CONTACT_KINDS().items()]

    def fill(self, entry) -> None:
        self.situation.data, self.steps.data = entry.situation, entry.steps_md
        self.keywords.data = "、".join(entry.keywords)
        self.hotlines.data, self.contacts.data = list(entry.hotlines), list(entry.contact_kinds)
        self.laws.data = "\n".join(entry.laws)
        self.lessons.data, self.scenarios.data = "\n".join(entry.lessons), "\n".join(
            entry.scenarios)

    def body(self) -> dict:
        """The entry's fields as the content format writes them."""
        keywords = (self.keywords.data or "").replace("，", "、").replace(",", "、")
        return {"situation": self.situation.data, "steps": self.steps.data,
                "keywords": [k.strip() for k in keywords.split("、") if k.strip()],
                "hotlines": list(self.hotlines.data or []),
                "contacts": list(self.contacts.data or []),
                "laws": [law.strip("《》 ") for law in _lines(self.laws.data)],
                "lessons": _lines(self.lessons.data), "scenarios": _lines(self.scenarios.data)}


class ContactForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=40)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(*item) for item in CONTACT_KINDS().items()]
