"""A course as files: the spec the database holds, and `flask content export`."""

from pathlib import Path

import sqlalchemy as sa
import yaml

from trainer.extensions import db
from trainer.learning.course_format import CourseSpec, LessonSpec, lesson_title
from trainer.learning.models import Course, CourseAsset
from trainer.org.models import Unit


class ExportError(ValueError):
    """The output cannot take the course (a file in the way, a foreign folder)."""


def lesson_filename(lesson) -> str:
    return lesson.filename or f"{lesson.position:02d}-lesson-{lesson.id}.md"


def exported_body(lesson) -> str:
    """The lesson's Markdown as a file; with its title as the heading when the text has
    none, since loading takes the title from the heading (else from the file name)."""
    if lesson_title(lesson.body_md, Path(lesson_filename(lesson)).stem) == lesson.title:
        return lesson.body_md
    return f"# {lesson.title}\n\n{lesson.body_md}"


def course_spec(course: Course) -> CourseSpec:
    """What ``course`` holds now, as the CourseSpec its exported folder reads back as."""
    assets = {a.name: a for a in db.session.scalars(
        sa.select(CourseAsset).where(CourseAsset.course_id == course.id))}
    quiz = dict(course.quiz_spec) if course.quiz_spec else None
    questions = assets.get(quiz["questions"]) if quiz else None
    street = db.session.get(Unit, course.street_id) if course.street_id else None
    return CourseSpec(
        slug=course.slug, title=course.title, department=course.department.code,
        lecturer=course.lecturer or "", summary=course.summary or "",
        competencies=list(course.competencies or []), hours=float(course.hours),
        lessons=[LessonSpec(lesson_filename(x), x.title, exported_body(x))
                 for x in course.lessons],
        assets={n: a.data for n, a in assets.items() if a.kind == "image"}, quiz=quiz,
        question_file=questions.data if questions else b"", status=course.status,
        street=street.code if street else None)


def course_yaml(spec: CourseSpec) -> str:
    """course.yml text in the DESIGN.md format (plus `status`/`street` when not default)."""
    data = {"version": 1, "title": spec.title, "department": spec.department}
    if spec.lecturer:
        data["lecturer"] = spec.lecturer
    data["summary"] = spec.summary
    data["competencies"] = spec.competencies
    data["hours"] = int(spec.hours) if float(spec.hours).is_integer() else spec.hours
    data["lessons"] = [item.filename for item in spec.lessons]
    if spec.status != "published":
        data["status"] = spec.status
    if spec.street:
        data["street"] = spec.street
    if spec.quiz:
        data["quiz"] = spec.quiz
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _files(course: Course, spec: CourseSpec) -> dict[str, bytes]:
    files = {"course.yml": course_yaml(spec).encode()}
    files.update((item.filename, item.body_md.encode()) for item in spec.lessons)
    files.update(spec.assets)
    if spec.quiz:
        files[spec.quiz["questions"]] = spec.question_file
    return files


def export_course(course: Course, target: Path) -> Path:
    """Write the course folder target/<slug>/ (course.yml, lessons, images, question file);
    files an earlier export left there and this one does not write are removed."""
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target}: exists and is not a folder")
    folder = target / course.slug
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: exists and is not a folder")
    old = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
           if p.is_file()} if folder.is_dir() else set()
    if old and "course.yml" not in old:
        raise ExportError(f"{folder}: exists and is not a course folder; choose another output")
    files = _files(course, course_spec(course))
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)  # images/...
        (folder / name).write_bytes(data)
    for name in old - set(files):
        (folder / name).unlink()
        if (folder / name).parent != folder and not any((folder / name).parent.iterdir()):
            (folder / name).parent.rmdir()
    return folder
