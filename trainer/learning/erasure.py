"""What the learning domain erases of a person (mentions in course history and lecturer
names) and shows them of their data (progress and hours)."""

import sqlalchemy as sa

from trainer import signals
from trainer.auth.erasers import Erased, Eraser, replace_mentions, rows
from trainer.extensions import db
from trainer.learning.models import Course, CourseRevision, Enrollment, LessonProgress


def scrub(erased: Erased) -> None:
    replace_mentions(erased, CourseRevision.detail)
    found = sa.or_(*(Course.lecturer.contains(n, autoescape=True) for n in erased.needles))
    ids = list(db.session.scalars(sa.select(Course.id).where(found)))
    if ids:
        replace_mentions(erased, Course.lecturer)
        signals.content_changed.send("courses", ids=ids)  # the search index follows


def export(user_id: int) -> dict:
    return {
        "courses": rows(sa.select(Course.title, Enrollment.started_at, Enrollment.completed_at,
                                  Enrollment.hours_credited)
                        .join(Course, Course.id == Enrollment.course_id)
                        .where(Enrollment.user_id == user_id).order_by(Enrollment.id)),
        "lessons_completed": db.session.scalar(
            sa.select(sa.func.count(LessonProgress.id)).where(LessonProgress.user_id == user_id)),
    }


ERASER = Eraser(columns=("course_revisions.detail、courses.lecturer: 提到本人之处",),
                scrub=scrub, export=export)
