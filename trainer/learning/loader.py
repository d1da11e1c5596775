"""Load course folders into the database: validate all, upsert by slug, idempotently."""

from pathlib import Path

import sqlalchemy as sa

from trainer.content import LoadReport
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.learning import services
from trainer.learning.course_format import (
    CourseSpec,
    LessonSpec,
    read_course_folder,
    spec_digest,
)
from trainer.learning.export import course_spec, exported_body
from trainer.learning.images import sniff
from trainer.learning.models import Course, CourseAsset, CourseRevision, Lesson
from trainer.learning.rendering import lesson_html
from trainer.learning.search import announce
from trainer.org.models import Department, Unit
from trainer.quizzes.bank_lint import bank_warnings
from trainer.quizzes.models import Quiz
from trainer.quizzes.modules import upsert_module_quiz
from trainer.quizzes.parse_messages import message as _


def load_courses(folder: Path, *, dry_run: bool, known_departments: set[str]) -> LoadReport:
    """Validate every course folder under ``folder``; unless ``dry_run``, upsert the valid
    ones (published at once unless course.yml says `status: draft`). A folder with any
    problem loads nothing."""
    report = LoadReport()
    if not folder.is_dir():
        report.problems.append(_("%(where)s: not a folder", where=str(folder)))
        return report
    streets = set(db.session.scalars(sa.select(Unit.code).where(Unit.level == "street")))
    for path in sorted(p for p in folder.iterdir() if p.is_dir()):
        spec, problems = read_course_folder(path, known_departments, streets)
        report.problems += problems
        if spec is not None and spec.quiz:  # how well the bank tests judgement
            report.warnings += bank_warnings(f"{spec.slug}/{spec.quiz['questions']}",
                                             spec.questions)
        if spec is None or dry_run:
            continue
        try:
            with db.session.begin_nested():
                outcome = upsert_course(spec)
        except (ValueError, DomainError) as exc:  # a module quiz the quizzes domain refused
            report.problems.append(_("%(where)s: %(problem)s", where=spec.slug,
                                      problem=getattr(exc, "message", exc)))
            continue
        getattr(report, outcome).append(spec.slug)
    return report


def upsert_course(spec: CourseSpec) -> str:
    """Create or update one course from its spec: "created", "updated" or "unchanged".

    Unchanged: the same files as last loaded (so web edits made since stay), or files
    that say what the course already holds (an export of it loaded back)."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
    if course is not None and course.content_hash == spec.content_hash:
        return "unchanged"
    if course is not None and spec_digest(course_spec(course)) == spec_digest(spec):
        course.content_hash = spec.content_hash
        return "unchanged"
    outcome = "created" if course is None else "updated"
    before = [lesson.id for lesson in course.all_lessons] if course is not None else []
    course = course or Course(slug=spec.slug)
    _apply_meta(course, spec)
    db.session.add(course)
    db.session.flush()
    _replace_assets(course, spec)
    _sync_lessons(course, spec)
    course.quiz_spec = spec.quiz
    _sync_quiz(course, spec)
    services.refresh_course_completions(course)
    db.session.add(CourseRevision(course_id=course.id, detail=f"courses/{spec.slug}",
                                  action="loaded new" if outcome == "created" else "reloaded"))
    db.session.flush()
    announce(course, *before)
    return outcome


def _apply_meta(course: Course, spec: CourseSpec) -> None:
    course.department = db.session.scalar(
        sa.select(Department).where(Department.code == spec.department))
    course.street_id = db.session.scalar(sa.select(Unit.id).where(
        Unit.code == spec.street, Unit.level == "street")) if spec.street else None
    course.title, course.lecturer, course.summary = spec.title, spec.lecturer, spec.summary
    course.competencies, course.hours = spec.competencies, spec.hours
    course.status, course.source, course.content_hash = spec.status, "file", spec.content_hash


def _replace_assets(course: Course, spec: CourseSpec) -> None:
    db.session.execute(sa.delete(CourseAsset).where(CourseAsset.course_id == course.id))
    for name, data in spec.assets.items():
        db.session.add(CourseAsset(course_id=course.id, name=name, mimetype=sniff(data),
                                   data=data))
    if spec.quiz:
        db.session.add(CourseAsset(course_id=course.id, name=spec.quiz["questions"],
                                   kind="questions", mimetype="application/octet-stream",
                                   data=spec.question_file))


def _sync_lessons(course: Course, spec: CourseSpec) -> None:
    """Update lessons in place, matched by file name (a renamed file by its text, else its
    title), so ids and learners' progress survive; a lesson no longer listed is deleted,
    or retired when learners have progress on it (listed again, it comes back)."""
    by_name = {lesson.filename: lesson for lesson in course.all_lessons}
    wanted = {item.filename for item in spec.lessons}
    leftovers = [lesson for lesson in course.all_lessons if lesson.filename not in wanted]
    for position, item in enumerate(spec.lessons, start=1):
        lesson = by_name.get(item.filename) or _renamed(leftovers, item)
        if lesson is None:
            lesson = Lesson()
            course.all_lessons.append(lesson)
        lesson.filename, lesson.position, lesson.retired = item.filename, position, False
        lesson.title, lesson.body_md = item.title, item.body_md
        lesson.body_html = lesson_html(item.body_md, course.slug, spec.assets)
    for lesson in (x for x in leftovers if not x.retired):
        retired = services.remove_lesson(course, lesson)
        db.session.add(CourseRevision(course_id=course.id, detail=lesson.title,
                                      action="lesson retired" if retired else "lesson deleted"))
    db.session.flush()
    db.session.expire(course, ["all_lessons"])  # reload in the new order


def _renamed(leftovers: list[Lesson], item: LessonSpec) -> Lesson | None:
    for same in (lambda x: item.body_md in (x.body_md, exported_body(x)),
                 lambda x: x.title == item.title):
        found = next((lesson for lesson in leftovers if same(lesson)), None)
        if found is not None:
            leftovers.remove(found)
            return found
    return None


def _sync_quiz(course: Course, spec: CourseSpec) -> None:
    """Upsert the module quiz; without a `quiz:` section, detach and unpublish it (its
    attempts stay); a returning section re-attaches the same quiz."""
    source = f"courses/{spec.slug}"
    quiz = services.module_quiz(course.id)
    if not spec.quiz:
        if quiz is not None:
            quiz.course_id, quiz.published = None, False
            db.session.flush()
        return
    if quiz is None:
        detached = db.session.scalar(sa.select(Quiz).where(
            Quiz.source == source, Quiz.course_id.is_(None)).order_by(Quiz.id.desc()).limit(1))
        if detached is not None:
            detached.course_id = course.id
            db.session.flush()
    upsert_module_quiz(course, spec.quiz, spec.questions, source)
