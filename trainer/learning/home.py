"""The learning domain's home block: continue the course where the learner left off."""

import sqlalchemy as sa
from flask import render_template

from trainer.extensions import db
from trainer.learning.models import Course, Enrollment, Lesson


def continue_course(user):
    """The unfinished course last opened, with the lesson to go back to (one statement)."""
    row = db.session.execute(
        sa.select(Course.slug, Course.title, Lesson.id, Lesson.title)
        .select_from(Enrollment)
        .join(Course, Course.id == Enrollment.course_id)
        .join(Lesson, Lesson.id == Enrollment.last_lesson_id)
        .where(Enrollment.user_id == user.id, Enrollment.completed_at.is_(None),
               Course.status == "published", Lesson.retired.is_(False))
        .order_by(Enrollment.started_at.desc(), Enrollment.id.desc()).limit(1)).first()
    if row is None:
        return None
    slug, course, lesson_id, lesson = row
    return render_template("learning/_block_continue.html", slug=slug, course=course,
                           lesson_id=lesson_id, lesson=lesson)
