"""The records domain's own section: courses completed (the learning domain's enrolments)."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.learning.models import Course, Enrollment
from trainer.localtime import local_zone
from trainer.plans.halves import year_bounds


def courses_completed(user, year: int) -> list[dict]:
    """Courses completed in ``year`` with the hours they credited."""
    start, end = year_bounds(year)
    stmt = (sa.select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
            .where(Enrollment.user_id == user.id, Enrollment.completed_at >= start,
                   Enrollment.completed_at < end)
            .order_by(Enrollment.completed_at))
    return [{"slug": course.slug, "title": course.title,
             "date": done.completed_at.astimezone(local_zone()).isoformat(),
             "completed_at": done.completed_at.isoformat(), "hours": done.hours_credited}
            for done, course in db.session.execute(stmt)]
