"""A session's materials: courses and scenarios by slug, quizzes by number.

They are other domains' items, checked to exist when a session names them: each must be
district-wide or belong to the session's street. Shown as links on the session page.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from trainer.errors import Invalid
from trainer.extensions import db

SLUG = re.compile(r"[A-Za-z0-9_.-]{1,80}")
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Link:
    url: str
    title: str


def _models():
    from trainer.learning.models import Course
    from trainer.quizzes.models import Quiz
    from trainer.simulation.models import Scenario

    return {"courses": (Course, Course.slug), "scenarios": (Scenario, Scenario.slug),
            "quizzes": (Quiz, Quiz.id)}


def _unknown(name: str, key) -> Invalid:
    messages = {
        "courses": _("Unknown course “%(key)s” (or it belongs to another street).", key=key),
        "scenarios": _("Unknown scenario “%(key)s” (or it belongs to another street).",
                       key=key),
        "quizzes": _("Unknown quiz number %(key)s (or it belongs to another street).",
                     key=key)}
    return Invalid(messages[name], field=name)


def _shape(name: str, items) -> list:
    if name == "quizzes":
        if not isinstance(items, list) or not all(
                isinstance(q, int) and not isinstance(q, bool) and 0 < q <= MAX_ID
                for q in items):
            raise Invalid(_("List quizzes by their numbers."), field=name)
    elif not isinstance(items, list) or not all(isinstance(i, str) and SLUG.fullmatch(i)
                                                for i in items):
        raise Invalid(_("List %(name)s by their slugs.", name=name), field=name)
    if len(items) > 50:
        raise Invalid(_("A session lists at most 50 of each kind of material."), field=name)
    return list(dict.fromkeys(items))


def check_materials(street_id: int, courses, scenarios, quizzes) -> tuple[list, list, list]:
    """The listed materials without repeats; 422 naming the first unknown one."""
    out = []
    for name, items in (("courses", courses), ("scenarios", scenarios), ("quizzes", quizzes)):
        items = _shape(name, items)
        model, key = _models()[name]
        found = set(db.session.scalars(sa.select(key).where(
            key.in_(items), sa.or_(model.street_id.is_(None), model.street_id == street_id))))
        missing = [item for item in items if item not in found]
        if missing:
            raise _unknown(name, missing[0])
        out.append(items)
    return out[0], out[1], out[2]


def links(session) -> dict[str, list[Link]]:
    """The session's materials that still exist, as links, in the order listed."""
    endpoints = {"courses": ("learning.course", "slug"),
                 "scenarios": ("simulation.scenario", "slug"),
                 "quizzes": ("quizzes.quiz", "quiz_id")}
    out = {}
    for name, (endpoint, arg) in endpoints.items():
        items = getattr(session, name) or []
        if endpoint not in current_app.view_functions:  # that domain is not installed
            items = []
        model, key = _models()[name]
        rows = {getattr(row, key.key): row for row in db.session.scalars(
            sa.select(model).where(key.in_(items)))} if items else {}
        out[name] = [Link(url_for(endpoint, **{arg: item}), rows[item].title)
                     for item in items if item in rows]
    return out


def on_course_renamed(course, old: str, new: str, **_kwargs) -> None:
    """Signal course_renamed: the sessions that list the course list it by its new name."""
    from trainer.plans.models import TrainingSession

    for session in db.session.scalars(sa.select(TrainingSession).where(
            sa.cast(TrainingSession.courses, sa.Text).contains(old, autoescape=True))):
        if old in (session.courses or []):
            session.courses = [new if slug == old else slug for slug in session.courses]
    db.session.flush()
