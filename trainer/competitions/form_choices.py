"""Choices offered by the organiser forms (all within the organiser's scope) and small
read helpers of the manage pages."""

from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from trainer.auth.models import User
from trainer.competitions.eligibility import open_to_entrants
from trainer.competitions.models import Competition, Entry
from trainer.competitions.queries import can_create_in
from trainer.extensions import db
from trainer.learning.models import Course
from trainer.learning.queries import visible_courses
from trainer.org.models import Unit
from trainer.org.pickers import by_department, parent_choices, people_labels
from trainer.org.scope import is_district_wide, street_id_of
from trainer.quizzes.models import Quiz
from trainer.quizzes.queries import visible_quizzes
from trainer.simulation.queries import playable_scenarios


def street_choices(user) -> list[tuple[str, str]]:
    streets = db.session.scalars(sa.select(Unit).where(Unit.level == "street",
                                                       Unit.active.is_(True))
                                 .order_by(Unit.code))
    found = [(s.code, s.name) for s in streets if can_create_in(user, s)]
    if can_create_in(user, None):
        found.insert(0, ("", _("The whole district")))
    return found


def competition_form(form, user, comp: Competition | None = None):
    form.street.choices = street_choices(user)
    if comp is not None:
        form.street.choices = [(comp.street.code if comp.street else "",
                                comp.street.name if comp.street else _("The whole district"))]
    courses = list(db.session.scalars(visible_courses(user).order_by(Course.title)))
    quizzes = db.session.scalars(visible_quizzes(user).where(Quiz.course_id.is_not(None))
                                 .order_by(Quiz.title))
    street = comp.street_id if comp is not None else street_id_of(user)
    quizzes = [q for q in quizzes if open_to_entrants(q, street) or open_to_entrants(q, None)]
    if comp is not None:  # the rules it has stay offered (and ticked), whatever made them
        courses, quizzes = _keep_chosen(courses, quizzes, comp.eligibility or [])
    form.courses.choices = by_department(courses, lambda c: c.slug)
    form.quiz_passed.choices = by_department(quizzes, lambda q: str(q.id))
    return form


def _keep_chosen(courses: list, quizzes: list, rules: list[dict]) -> tuple[list, list]:
    slugs, ids = {c.slug for c in courses}, {q.id for q in quizzes}
    for rule in rules:
        if rule["rule"] == "course" and rule["course"] not in slugs:
            courses.append(db.session.scalar(sa.select(Course).where(
                Course.slug == rule["course"])) or SimpleNamespace(
                slug=rule["course"], title=rule["course"], department=None))
        elif rule["rule"] == "quiz_passed" and rule["quiz"] not in ids:
            quizzes.append(db.session.get(Quiz, rule["quiz"]) or SimpleNamespace(
                id=rule["quiz"], title=str(rule["quiz"]), department=None))
    return courses, quizzes


def judge_choices(user, comp: Competition) -> list:
    """Trainers and organisers who may judge in the competition's scope, by name and
    grouped by department (their unit beside the name, a masked username where two of a
    name share it)."""
    people = judge_people(user, comp)
    labels = people_labels(people)
    return by_department(people, lambda u: u.username, lambda u: u.name + labels[u.id])


def judge_people(user, comp: Competition) -> list[User]:
    stmt = (sa.select(User).join(Unit, Unit.id == User.unit_id)
            .where(User.role.in_(("trainer", "organiser")), User.active.is_(True),
                   Unit.district_id == comp.district_id)
            .order_by(User.role, User.username))
    street = comp.street_id if comp.street_id is not None else (
        None if is_district_wide(user) else street_id_of(user))
    if street is not None:
        stmt = stmt.where(sa.or_(Unit.street_id.is_(None), Unit.street_id == street))
    return list(db.session.scalars(stmt.limit(500)))


def community_choices(user, comp: Competition) -> list:
    """Communities of the competition's scope by their Chinese path, grouped by level."""
    choices = parent_choices(user, levels=("community",))
    if comp.street_id is None:
        return choices
    street = db.session.get(Unit, comp.street_id)
    ids = set(db.session.scalars(sa.select(Unit.code).where(
        Unit.path.startswith(street.path), Unit.level == "community")))
    return [c for c in choices if c.value in ids]


def round_form(form, user, comp: Competition, rnd=None):
    quizzes = db.session.scalars(visible_quizzes(user).order_by(Quiz.title))
    form.quiz.choices = by_department([q for q in quizzes if q.street_id in (None, comp.street_id)],
                                      lambda q: str(q.id), first=("", "—"))
    scenarios = db.session.scalars(playable_scenarios(user))
    form.scenario.choices = by_department(
        [s for s in scenarios if s.street_id in (None, comp.street_id)], lambda s: s.slug,
        first=("", "—"))
    form.judges.choices = judge_choices(user, comp)
    communities = community_choices(user, comp)
    if rnd is not None:  # a judge's community set through the API stays offered
        shown = {c.value for c in communities}
        communities += [SelectChoice(value=j.community.code, label=j.community.name)
                        for j in rnd.judges if j.community and j.community.code not in shown]
    form.offer_judge_communities(communities)
    return form


def manage_context(comp: Competition) -> dict:
    entrants = db.session.scalar(sa.select(sa.func.count()).select_from(Entry).where(
        Entry.competition_id == comp.id))
    public_quizzes = [r for r in comp.rounds if r.quiz is not None
                      and r.quiz.published]
    return {"entrants": entrants, "public_quizzes": public_quizzes}


def question_url(question_id: int) -> str | None:
    if "quizzes.question" not in current_app.view_functions:
        return None
    return url_for("quizzes.question", question_id=question_id)
