"""Organiser, judge and entrant forms: field validation only (typed numbers follow the
one rule of trainer/numbers.py, as on the plans pages). The competition and round
forms turn into the API's body (``body()``) so that one parser (spec.py) checks both."""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from trainer.localtime import local_zone
from trainer.numberfields import PlainDecimalField, WholeNumberField
from trainer.numbers import plain_int

# Seconds are shown and kept (a time set through the API to the second survives an edit
# unchanged); a browser that sends minutes only is accepted too.
FORMAT = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def iso(value) -> str | None:
    """A form's local time as ISO 8601 with the site's offset."""
    if value is None:
        return None
    return value.replace(tzinfo=local_zone()).isoformat()


def local(value):
    """An aware time as the naive local time a datetime-local input shows."""
    if value is None:
        return None
    return value.astimezone(local_zone()).replace(tzinfo=None)


def when(label, required: bool = True):
    return DateTimeLocalField(label, format=FORMAT, render_kw={"step": "1"},
                              validators=[DataRequired() if required else Optional()])


def keep_order(rules: list[dict], old: list[dict] | None) -> list[dict]:
    """The form's rules in the order the competition already had them (new ones last), so
    saving an unchanged form changes nothing."""
    old = old or []
    return sorted(rules, key=lambda r: old.index(r) if r in old else len(old))


class CompetitionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[("knowledge", _l("Knowledge contest")),
                                            ("skill", _l("Service-skill contest")),
                                            ("drill", _l("Post drill"))])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    street = SelectField(_l("Scope"), choices=[], default="")
    starts_at = when(_l("Starts"))
    ends_at = when(_l("Ends"))
    entry_closes_at = when(_l("Entries close (empty: at the end)"), required=False)
    freeze_at = when(_l("Standings freeze at (empty: never)"), required=False)
    team_by = SelectField(_l("Teams"), default="", choices=[("", _l("Individual only")),
                                                ("community", _l("By community")),
                                                ("street", _l("By street"))])
    team_size = WholeNumberField(_l("Best members counted per team"), default=3,
                                 validators=[Optional(), NumberRange(min=1, max=100)])
    visibility = SelectField(_l("Entrants see"), choices=[
        ("full", _l("The full table")), ("top", _l("The top places only")),
        ("own", _l("Only their own standing"))])
    visible_top = WholeNumberField(_l("Places shown (top only)"),
                                   validators=[Optional(), NumberRange(min=1, max=10000)])
    appeal_hours = PlainDecimalField(_l("Appeal window after a round closes (hours)"),
                                     default=2,
                                     validators=[Optional(), NumberRange(min=0, max=720)])
    courses = CheckboxList(_l("Required courses"), choices=[])
    quiz_passed = CheckboxList(_l("Required module quizzes"), choices=[])
    practice_questions = WholeNumberField(
        _l("Practice questions required"),
        validators=[Optional(), NumberRange(min=1, max=100000)])
    practice_days = WholeNumberField(_l("… within the last (days)"), default=30,
                                     validators=[Optional(), NumberRange(min=1, max=3660)])
    honour_title = StringField(_l("Honour"), default="业务能手",
                               validators=[Optional(), Length(max=40)])
    honour_top = WholeNumberField(_l("Awarded to the top (places)"), default=3,
                                  validators=[Optional(), NumberRange(min=1, max=100000)])
    honour_percent = PlainDecimalField(_l("… or the top percent"),
                                       validators=[Optional(), NumberRange(min=0.1, max=100)])
    honour_min_score = PlainDecimalField(_l("Minimum score for the honour (of 100)"),
                                         validators=[Optional(), NumberRange(min=0, max=100)])
    team_honour_title = StringField(_l("Team honour"), validators=[Optional(), Length(max=40)])
    team_honour_top = WholeNumberField(_l("Awarded to the top teams"), default=1,
                                       validators=[Optional(), NumberRange(min=1, max=1000)])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])

    def body(self) -> dict:
        """The competition body (DESIGN.md) these fields describe."""
        rules = [{"rule": "course", "course": slug} for slug in self.courses.data or []]
        rules += [{"rule": "quiz_passed", "quiz": int(q)} for q in self.quiz_passed.data or []
                  if plain_int(q) is not None]
        if self.practice_questions.data:
            rules.append({"rule": "practice", "questions": self.practice_questions.data,
                          "days": self.practice_days.data or 30})
        honours = []
        if self.honour_title.data and (self.honour_top.data or self.honour_percent.data):
            honours.append({"title": self.honour_title.data, "top": self.honour_top.data,
                            "top_percent": float(self.honour_percent.data)
                            if self.honour_percent.data else None})
            if self.honour_min_score.data:
                honours[-1]["min_score"] = float(self.honour_min_score.data)
        if self.team_honour_title.data and self.team_honour_top.data:
            honours.append({"title": self.team_honour_title.data,
                            "top": self.team_honour_top.data, "team": True})
        return {"title": self.title.data, "kind": self.kind.data,
                "description": self.description.data or "", "street": self.street.data or None,
                "starts_at": iso(self.starts_at.data), "ends_at": iso(self.ends_at.data),
                "entry_closes_at": iso(self.entry_closes_at.data),
                "freeze_at": iso(self.freeze_at.data), "team_by": self.team_by.data or None,
                "team_size": self.team_size.data or 3, "visibility": self.visibility.data,
                "visible_top": self.visible_top.data,
                "appeal_hours": float(self.appeal_hours.data)
                if self.appeal_hours.data is not None else 2,
                "eligibility": rules, "honours": honours}

    def fill(self, comp) -> None:
        """Show a competition's settings in the fields."""
        for name in ("title", "kind", "description", "team_size", "visibility", "visible_top",
                     "appeal_hours"):
            getattr(self, name).data = getattr(comp, name)
        self.street.data = comp.street.code if comp.street else ""
        self.team_by.data = comp.team_by or ""
        for name in ("starts_at", "ends_at", "entry_closes_at", "freeze_at"):
            getattr(self, name).data = local(getattr(comp, name))
        rules = comp.eligibility or []
        self.courses.data = [r["course"] for r in rules if r["rule"] == "course"]
        self.quiz_passed.data = [str(r["quiz"]) for r in rules if r["rule"] == "quiz_passed"]
        practice = [r for r in rules if r["rule"] == "practice"]
        if practice:
            self.practice_questions.data = practice[0]["questions"]
            self.practice_days.data = practice[0]["days"]
        people = [h for h in comp.honours or [] if not h.get("team")]
        teams = [h for h in comp.honours or [] if h.get("team")]
        self.honour_title.data = people[0]["title"] if people else ""
        self.honour_top.data = people[0].get("top") if people else None
        self.honour_percent.data = people[0].get("top_percent") if people else None
        self.honour_min_score.data = people[0].get("min_score") if people else None
        self.team_honour_title.data = teams[0]["title"] if teams else ""
        self.team_honour_top.data = teams[0].get("top") if teams else None


def kind_fields() -> dict[str, tuple[str, ...]]:
    """{kind name: the round form's fields it reads} from the round-kind registry."""
    from trainer.competitions.kinds.registry import KINDS

    return {name: kind.form_fields for name, kind in KINDS.items()}


def kind_fieldsets() -> list[tuple[tuple[str, ...], list[str]]]:
    """The kind-specific fields in fieldsets, one per set of kinds sharing them (the quiz's
    own, the time limit of quiz and scenario rounds, …), in the registry's order."""
    fields = kind_fields()
    kinds_of: dict[str, tuple[str, ...]] = {}
    for names in fields.values():
        for name in names:
            kinds_of.setdefault(name, tuple(k for k, own in fields.items() if name in own))
    sets: dict[tuple[str, ...], list[str]] = {}
    for name, kinds in kinds_of.items():
        sets.setdefault(kinds, []).append(name)
    return list(sets.items())


EMPTY_ROWS = 2  # empty judge-community rows offered below the filled ones


class JudgeCommunity(Form):
    judge = SelectField(_l("Judge"), choices=[], validate_choice=False,
                        validators=[Optional(), Length(max=40)])
    community = SelectField(_l("Their own community (they do not score its entrants)"),
                            choices=[], validate_choice=False,
                            validators=[Optional(), Length(max=40)])


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[("quiz", _l("Quiz round")),
                                            ("scenario", _l("Scenario round")),
                                            ("judged", _l("Judged round"))])
    weight = WholeNumberField(_l("Weight"), default=1,
                              validators=[DataRequired(), NumberRange(min=1, max=1000)])
    opens_at = when(_l("Opens"), required=False)
    closes_at = when(_l("Closes"), required=False)
    time_limit = WholeNumberField(_l("Time limit (minutes)"),
                                  validators=[Optional(), NumberRange(min=1, max=1440)])
    quiz = SelectField(_l("Quiz (quiz round)"), choices=[], default="")
    scenario = SelectField(_l("Scenario (scenario round)"), choices=[], default="")
    criteria = TextAreaField(_l("Criteria, one per line as “name: maximum” (judged round)"),
                             validators=[Optional(), Length(max=2000)])
    judges = CheckboxList(_l("Judges (judged round)"), choices=[])
    # rows of a judge and the community they belong to, both chosen by name
    # (form_choices.round_form); the body takes {"username", "community": code}
    judge_communities = FieldList(FormField(JudgeCommunity), min_entries=EMPTY_ROWS,
                                  max_entries=50)
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])

    def fieldsets(self) -> list[tuple[tuple[str, ...], str, list[str]]]:
        """(kinds, their Chinese names, field names) of each kind-specific fieldset."""
        from trainer.competitions.kinds.registry import KINDS

        return [(kinds, "、".join(str(KINDS[k].label) for k in kinds), names)
                for kinds, names in kind_fieldsets()]

    def mine(self, name: str) -> bool:
        """The field belongs to the chosen kind (the others are not validated or saved)."""
        return name in kind_fields().get(self.kind.data, ())

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        every = {name for names in kind_fields().values() for name in names}
        for name in every:
            if not self.mine(name):  # another kind's field: whatever it holds is ignored
                getattr(self, name).errors = []
        return not any(f.errors for f in self) and not self.form_errors

    def validate_criteria(self, field) -> None:
        if not self.mine("criteria"):
            return
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, most = line.replace("：", ":").rpartition(":")
            if not sep or not name.strip():
                raise ValidationError(_l("Line %(n)s: write each criterion as “name: maximum”, "
                                         "e.g. “沟通: 10”.", n=number))
            value = plain_int(most)
            if value is None or not 1 <= value <= 1000:
                raise ValidationError(_l("Line %(n)s: the maximum must be a whole number from "
                                         "1 to 1000.", n=number))

    def validate_judge_communities(self, field) -> None:
        if not self.mine("judge_communities"):
            return
        judges = {c.value for c in self.judges.choices or []}
        communities = {c.value for c in self._communities}
        for number, row in enumerate(field.entries, start=1):
            judge, community = row.form.judge.data or "", row.form.community.data or ""
            if not judge and not community:
                continue
            if judge not in judges or community not in communities:
                raise ValidationError(_l("Row %(n)s: choose both the judge and their "
                                         "community from the lists.", n=number))
            if judge not in (self.judges.data or []):
                raise ValidationError(_l("Row %(n)s: tick this person among the judges too.",
                                         n=number))

    _communities: list = []

    def offer_judge_communities(self, communities: list) -> None:
        """The choices of every judge-community row (judges as in ``judges``)."""
        self._communities = communities
        for row in self.judge_communities.entries:
            row.form.judge.choices = [SelectChoice("", "—"), *self.judges.choices]
            row.form.community.choices = [SelectChoice("", "—"), *communities]

    def body(self) -> dict:
        """The round body (DESIGN.md) with the chosen kind's own fields only."""
        criteria = []
        for line in (self.criteria.data or "").splitlines() if self.mine("criteria") else ():
            name, _sep, most = line.replace("：", ":").rpartition(":")
            if line.strip():
                value = plain_int(most)
                criteria.append({"name": name.strip(), "max": value if value is not None
                                 else (most.strip() or None)})
        return {"title": self.title.data, "kind": self.kind.data, "weight": self.weight.data,
                "opens_at": iso(self.opens_at.data), "closes_at": iso(self.closes_at.data),
                "time_limit": self.time_limit.data if self.mine("time_limit") else None,
                "quiz": int(self.quiz.data) if self.quiz.data and self.mine("quiz") else None,
                "scenario": (self.scenario.data or None) if self.mine("scenario") else None,
                "criteria": criteria, "judges": self._judges() if self.mine("judges") else []}

    def _judges(self) -> list:
        declared = {}
        for row in self.judge_communities.entries:
            name, code = row.form.judge.data or "", row.form.community.data or ""
            if name and code:
                declared[name] = code
        return [{"username": u, "community": declared[u]} if u in declared else u
                for u in self.judges.data or []]

    def fill(self, rnd) -> None:
        self.title.data, self.kind.data, self.weight.data = rnd.title, rnd.kind, rnd.weight
        self.opens_at.data, self.closes_at.data = local(rnd.opens_at), local(rnd.closes_at)
        self.time_limit.data = rnd.time_limit
        self.quiz.data = str(rnd.quiz_id or "")
        self.scenario.data = rnd.scenario.slug if rnd.scenario else ""
        self.criteria.data = "\n".join(f"{c['name']}: {c['max']}" for c in rnd.criteria or [])
        self.judges.data = [j.user.username for j in rnd.judges]
        rows = [{"judge": j.user.username, "community": j.community.code}
                for j in rnd.judges if j.community_id]
        while self.judge_communities.entries:
            self.judge_communities.pop_entry()
        for row in rows + [{}] * EMPTY_ROWS:
            self.judge_communities.append_entry(row)
        self.offer_judge_communities(self._communities)


class ScoreForm(FlaskForm):
    """A judge's sheet: the points arrive as fields ``c0``, ``c1``… (one per criterion)."""

    reason = StringField(_l("Reason (needed when you change a score)"),
                         validators=[Optional(), Length(max=500)])


class AppealForm(FlaskForm):
    text = TextAreaField(_l("What is wrong with the result?"),
                         validators=[DataRequired(), Length(max=2000)])


class ResolveForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("upheld", _l("Uphold")),
                                                    ("rejected", _l("Reject"))])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    percent = PlainDecimalField(_l("Corrected round percent (optional)"),
                                validators=[Optional(), NumberRange(min=0, max=100)])


class StatusForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class PublishForm(FlaskForm):
    reason = StringField(_l("Why publish now (optional, kept in the audit log)"),
                         validators=[Optional(), Length(max=500)])
    confirm = BooleanField(_l("I have checked everything; publish"))
