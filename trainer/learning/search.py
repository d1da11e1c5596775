"""The learning domain's search sources (registered from ``learning.wiring``): courses and
their current lessons, seen by the catalogue's rule (``queries.visible_courses``), and
``announce``, which the services that save them call."""

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from trainer import signals
from trainer.extensions import db
from trainer.learning.models import Course, Lesson
from trainer.learning.queries import visible_courses
from trainer.search.models import SearchDocument
from trainer.search.sources import Document, Source


def announce(course: Course, *gone_lesson_ids: int) -> None:
    """Tell search that ``course`` and its lessons changed (and which lessons left it)."""
    signals.content_changed.send("courses", ids=[course.id])
    lesson_ids = [lesson.id for lesson in course.all_lessons if lesson.id is not None]
    signals.content_changed.send("lessons", ids=[*lesson_ids, *gone_lesson_ids])


def announce_lessons(*lesson_ids: int) -> None:
    signals.content_changed.send("lessons", ids=list(lesson_ids))


def _course_ids(user) -> sa.Select:
    return visible_courses(user).with_only_columns(Course.id)


def course_documents(ids: Sequence[int] | None) -> list[Document]:
    stmt = sa.select(Course) if ids is None else sa.select(Course).where(Course.id.in_(ids))
    return [Document(ref_id=c.id, title=c.title, body=f"{c.summary}\n{c.lecturer}".strip(),
                     endpoint="learning.course", url_args={"slug": c.slug},
                     street_id=c.street_id, department_id=c.department_id, status=c.status)
            for c in db.session.scalars(stmt)]


def lesson_documents(ids: Sequence[int] | None) -> list[Document]:
    stmt = (sa.select(Lesson, Course).join(Course, Course.id == Lesson.course_id)
            .where(Lesson.retired.is_(False)))
    if ids is not None:
        stmt = stmt.where(Lesson.id.in_(ids))
    return [Document(ref_id=lesson.id, title=lesson.title,
                     body=Markup(lesson.body_html).striptags(),
                     endpoint="learning.lesson", url_args={"lesson_id": lesson.id},
                     street_id=course.street_id, department_id=course.department_id,
                     status=course.status)
            for lesson, course in db.session.execute(stmt)]


def courses_visible(user) -> sa.ColumnElement[bool]:
    return SearchDocument.ref_id.in_(_course_ids(user))


def lessons_visible(user) -> sa.ColumnElement[bool]:
    return SearchDocument.ref_id.in_(sa.select(Lesson.id).where(
        Lesson.course_id.in_(_course_ids(user)), Lesson.retired.is_(False)))


COURSES = Source(label=_l("Course"), documents=course_documents, visible=courses_visible,
                 order=10)
LESSONS = Source(label=_l("Lesson"), documents=lesson_documents, visible=lessons_visible,
                 order=20)
