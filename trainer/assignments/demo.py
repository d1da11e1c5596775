"""Demo required training: three assignments for the first street, one already overdue
(idempotent: nothing is added once any assignment exists)."""

from datetime import timedelta

import sqlalchemy as sa

from trainer.assignments import services
from trainer.assignments.models import Assignment
from trainer.assignments.queries import today
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.learning.models import Course
from trainer.learning.queries import visible_courses
from trainer.simulation.queries import playable_scenarios


def seed(users) -> None:
    organiser, worker = users[1], users[3]
    if db.session.scalar(sa.select(Assignment.id).limit(1)) is not None:
        return
    if worker.unit is None or worker.unit.street is None:
        return
    street, grid = worker.unit.street.code, worker.unit.code
    courses = db.session.scalars(visible_courses(organiser).where(
        Course.status == "published").order_by(Course.title).limit(2)).all()
    scenario = db.session.scalars(playable_scenarios(organiser).limit(1)).first()
    now = today()
    wanted = []
    if courses:
        wanted.append(("course", courses[0].slug, {"streets": [street]}, now + timedelta(days=2)))
    if len(courses) > 1:
        wanted.append(("course", courses[1].slug, {"grids": [grid]}, now - timedelta(days=5)))
    if scenario is not None:
        wanted.append(("scenario", scenario.slug, {"streets": [street]}, now + timedelta(days=30)))
    for kind, target, audience, due in wanted:
        try:
            with db.session.begin_nested():  # a refusal undoes only this one
                services.create_assignment(organiser, kind, target, audience, due.isoformat())
        except Invalid:
            continue
