"""Load course folders into the database: validate all, upsert by slug, idempotently."""

from pathlib import Path

import sqlalchemy as sa

from trainer.content import LoadReport
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.learning.course_format import IMAGES, CourseSpec, read_course_folder
from trainer.learning.models import Course, CourseAsset, CourseRevision, Lesson
from trainer.learning.rendering import lesson_html
from trainer.org.models import Department


def load_courses(folder: Path, *, dry_run: bool, known_departments: set[str]) -> LoadReport:
    """Validate every course folder under ``folder``; unless ``dry_run``, upsert the valid
    ones (published at once). A folder with any problem loads nothing."""
    report = LoadReport()
    if not folder.is_dir():
        report.problems.append(f"{folder}: not a folder")
        return report
    for path in sorted(p for p in folder.iterdir() if p.is_dir()):
        spec, problems = read_course_folder(path, known_departments)
        report.problems += problems
        if spec is None or dry_run:
            continue
        try:
            with db.session.begin_nested():
                outcome = upsert_course(spec)
        except (ValueError, DomainError) as exc:  # a module quiz the quizzes domain refused
            report.problems.append(f"{spec.slug}: {getattr(exc, 'message', exc)}")
            continue
        getattr(report, outcome).append(spec.slug)
    return report


def upsert_course(spec: CourseSpec) -> str:
    """Create or update one course from its spec: "created", "updated" or "unchanged"."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
    if course is not None and course.content_hash == spec.content_hash:
        return "unchanged"
    outcome = "created" if course is None else "updated"
    dept = db.session.scalar(sa.select(Department).where(Department.code == spec.department))
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
    course.title, course.department, course.lecturer = spec.title, dept, spec.lecturer
    course.summary, course.competencies, course.hours = spec.summary, spec.competencies, spec.hours
    course.status, course.source, course.content_hash = "published", "file", spec.content_hash
    db.session.flush()
    _replace_assets(course, spec)
    _sync_lessons(course, spec)
    course.quiz_spec = spec.quiz
    if spec.quiz:
        _sync_quiz(course, spec)
    db.session.add(CourseRevision(course_id=course.id, action="loaded",
                                  detail=f"{outcome} from courses/{spec.slug}"))
    db.session.flush()
    return outcome


def _replace_assets(course: Course, spec: CourseSpec) -> None:
    db.session.execute(sa.delete(CourseAsset).where(CourseAsset.course_id == course.id))
    for name, data in spec.assets.items():
        mimetype = IMAGES[Path(name).suffix.lower()]
        db.session.add(CourseAsset(course_id=course.id, name=name, mimetype=mimetype, data=data))
    if spec.quiz:
        db.session.add(CourseAsset(course_id=course.id, name=spec.quiz["questions"],
                                   kind="questions", mimetype="application/octet-stream",
                                   data=spec.question_file))


def _sync_lessons(course: Course, spec: CourseSpec) -> None:
    """Update lessons in place by file name, so learners' progress on them survives."""
    existing = {lesson.filename: lesson for lesson in course.lessons}
    names = set(spec.assets)
    keep = []
    for position, item in enumerate(spec.lessons, start=1):
        lesson = existing.pop(item.filename, None) or Lesson(filename=item.filename)
        lesson.position, lesson.title, lesson.body_md = position, item.title, item.body_md
        lesson.body_html = lesson_html(item.body_md, course.slug, names)
        keep.append(lesson)
    course.lessons = keep
    db.session.flush()


def _sync_quiz(course: Course, spec: CourseSpec) -> None:
    try:
        from trainer.quizzes.services import upsert_module_quiz
    except ImportError:  # the quizzes domain is optional for learning
        return
    upsert_module_quiz(course, spec.quiz, spec.questions, f"courses/{spec.slug}")
