"""Write a course back out as a course folder (`flask content export`)."""

from pathlib import Path

import sqlalchemy as sa
import yaml

from trainer.extensions import db
from trainer.learning.models import Course, CourseAsset


def course_yaml(course: Course) -> str:
    """course.yml text for ``course`` in the DESIGN.md format."""
    data = {"version": 1, "title": course.title, "department": course.department.code}
    if course.lecturer:
        data["lecturer"] = course.lecturer
    data["summary"] = course.summary
    data["competencies"] = list(course.competencies or [])
    hours = float(course.hours)
    data["hours"] = int(hours) if hours.is_integer() else hours
    data["lessons"] = [lesson_filename(lesson) for lesson in course.lessons]
    if course.quiz_spec:
        data["quiz"] = dict(course.quiz_spec)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def lesson_filename(lesson) -> str:
    return lesson.filename or f"{lesson.position:02d}-lesson-{lesson.id}.md"


def export_course(course: Course, target: Path) -> Path:
    """Write course.yml, lesson files, images and the question file into target/<slug>/."""
    folder = target / course.slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yml").write_text(course_yaml(course), "utf-8")
    for lesson in course.lessons:
        (folder / lesson_filename(lesson)).write_text(lesson.body_md, "utf-8")
    assets = db.session.scalars(sa.select(CourseAsset).where(CourseAsset.course_id == course.id))
    for asset in assets:
        (folder / asset.name).write_bytes(asset.data)
    return folder
