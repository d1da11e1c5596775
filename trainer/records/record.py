"""The records domain's own section: courses completed (the learning domain's enrolments).
``courses_for`` answers many workers in one statement; the one-worker section is it for
one id."""

from collections import defaultdict

import sqlalchemy as sa

from trainer.extensions import db
from trainer.learning.models import Course, Enrollment
from trainer.localtime import local_zone
from trainer.org.models import Department
from trainer.plans.halves import year_bounds


def courses_for(who, year: int) -> dict[int, list[dict]]:
    """Courses each of ``who`` (ids or a select of them) completed in ``year``, with hours."""
    start, end = year_bounds(year)
    stmt = (sa.select(Enrollment.user_id, Enrollment.completed_at, Enrollment.hours_credited,
                      Course.slug, Course.title, Department.code, Department.name)
            .join(Course, Course.id == Enrollment.course_id)
            .join(Department, Department.id == Course.department_id)
            .where(Enrollment.user_id.in_(who), Enrollment.completed_at >= start,
                   Enrollment.completed_at < end)
            .order_by(Enrollment.user_id, Enrollment.completed_at, Course.slug))
    found: dict[int, list[dict]] = defaultdict(list)
    for user_id, done, hours, slug, title, dept_code, dept_name in db.session.execute(stmt):
        found[user_id].append({
            "slug": slug, "title": title, "department": dept_name,
            "department_code": dept_code,
            "date": done.astimezone(local_zone()).isoformat(),
            "completed_at": done.isoformat(), "completion": 100,
            "hours": float(hours or 0)})
    return found


def courses_completed(user, year: int) -> list[dict]:
    """Courses completed in ``year`` with the hours they credited."""
    return courses_for([user.id], year).get(user.id, [])
