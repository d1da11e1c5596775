"""Courses, lessons, learners' progress and the change history."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("status IN ('draft','published')", name="status_known"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    lecturer: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    competencies: Mapped[list] = mapped_column(JSON, default=list)
    hours: Mapped[float] = mapped_column(Float, default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # A street's private course is visible in that street only; None: district-wide.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Its district (None: the shipped library, read by every district).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="web")  # "file" or "web"
    # The course.yml `quiz:` section as loaded (its question file is a CourseAsset).
    quiz_spec: Mapped[dict | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")
    # Every lesson, retired ones included (they keep learners' progress); see ``lessons``.
    all_lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )

    @property
    def lessons(self) -> list["Lesson"]:
        """The course's current lessons in order (what learners read and authors edit)."""
        return [lesson for lesson in self.all_lessons if not lesson.retired]


class Lesson(db.Model):
    """A lesson. ``filename`` names it in the course folder (web lessons get one when
    created), so loads and exports match lessons by it. A lesson removed while learners
    have progress on it is retired, not deleted: hidden, and back if its file returns."""

    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_course_position", "course_id", "position"),
                      UniqueConstraint("course_id", "filename"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(120), default="")
    retired: Mapped[bool] = mapped_column(default=False)
    body_md: Mapped[str] = mapped_column(Text, default="")
    # Sanitised once when saved or loaded (trainer.markup), never per request.
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="all_lessons")


class CourseAsset(db.Model):
    """A file of a course folder: an image (served at /courses/<slug>/assets/<name>) or
    the module quiz's question file (kind "questions": never served, it holds answers)."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12), default="image")
    mimetype: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes]


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Enrollment(db.Model):
    """A learner's state in one course: where they left off, and completion with hours."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    last_lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    hours_credited: Mapped[float] = mapped_column(Float, default=0)


class CourseRevision(db.Model):
    """Change history: who changed what in a course, and when."""

    __tablename__ = "course_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", lazy="joined")
