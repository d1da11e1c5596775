"""Learning use cases: progress, completion and hours. Flush, never commit."""

from functools import cache, lru_cache

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import NotFound
from trainer.extensions import db
from trainer.learning.models import Course, CourseAsset, Enrollment, Lesson, LessonProgress
from trainer.learning.queries import visible_courses, worker_catalogue
from trainer.models import utcnow
from trainer.quizzes.models import Quiz
from trainer.quizzes.queries import has_passed, module_quiz_for, pending_grading_clause


def get_course(user, slug: str) -> Course:
    """A course the user may see, by slug (404 otherwise)."""
    course = db.session.scalar(visible_courses(user).where(Course.slug == slug))
    if course is None:
        raise NotFound(_("The page or item was not found."))
    return course


def course_image(user, slug: str, name: str) -> CourseAsset:
    """An image of a course the user may see (404 otherwise; a question file never)."""
    course = get_course(user, slug)
    item = db.session.scalar(sa.select(CourseAsset).where(
        CourseAsset.course_id == course.id, CourseAsset.name == name,
        CourseAsset.kind == "image"))
    if item is None:
        raise NotFound(_("The page or item was not found."))
    return item


def get_lesson(user, lesson_id: int) -> Lesson:
    """A lesson of a course the user may see (404 otherwise, also for other streets)."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.retired or db.session.scalar(
            visible_courses(user).where(Course.id == lesson.course_id)) is None:
        raise NotFound(_("The page or item was not found."))
    return lesson


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    stmt = (sa.select(LessonProgress.lesson_id).join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.user_id == user_id, Lesson.course_id == course_id,
                   Lesson.retired.is_(False)))
    return set(db.session.scalars(stmt))


def progress_percent(user_id: int, course: Course) -> int:
    return progress_map(user_id, [course.id])[course.id]


def progress_map(user_id: int, course_ids: list[int]) -> dict[int, int]:
    """Progress 0–100 of many courses in one statement (the catalogue's hot path).

    The steps are the lessons plus the module quiz when there is one; a completed course
    is 100. (A quiz passed before the lessons are done counts once the course completes.)
    """
    if not course_ids:
        return {}
    rows = db.session.execute(_progress_statement(), {"uid": user_id, "ids": course_ids})
    return {cid: percent(total, done, finished, quiz)
            for cid, total, done, finished, quiz in rows}


def percent(total: int, done: int, finished, with_quiz) -> int:
    """A course's progress from its live lessons, those done, completion, a module quiz."""
    steps = total + (1 if with_quiz else 0)
    if finished:
        return 100
    return round(100 * done / steps) if steps else 0


def _progress_columns(uid) -> tuple:
    """Per course (correlated to Course.id): live lessons, those the user ``uid`` (a bound
    parameter) finished, completion, and a module quiz; ``percent`` makes the figure."""
    live = sa.and_(Lesson.course_id == Course.id, Lesson.retired.is_(False))
    total = sa.select(sa.func.count(Lesson.id)).where(live).scalar_subquery()
    done = (sa.select(sa.func.count(Lesson.id))
            .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
            .where(live, LessonProgress.user_id == uid).scalar_subquery())
    finished = sa.exists().where(Enrollment.course_id == Course.id, Enrollment.user_id == uid,
                                 Enrollment.completed_at.is_not(None))
    return total, done, finished, _module_quiz_exists()


@cache
def _progress_statement() -> sa.Select:
    """Per course: live lessons, those the user finished, completion, and a module quiz.
    Built once: the catalogue asks it on every page."""
    return sa.select(Course.id, *_progress_columns(sa.bindparam("uid"))).where(
        Course.id.in_(sa.bindparam("ids", expanding=True)))


@lru_cache(maxsize=1024)
def worker_catalogue_page(reach: tuple[int, ...] | None, street: int | None) -> sa.Select:
    """A worker's whole unfiltered catalogue as the API lists it, in one statement: the
    kept catalogue statement (queries.worker_catalogue) plus each course's progress
    columns and, the same on every row, whether the worker has grading pending
    (quizzes.queries.pending_grading_clause; an overdue attempt is graded before the page
    is answered). Parameters ``uid``, ``cutoff`` and ``now``. Built once per district
    and street."""
    uid = sa.bindparam("uid")
    return worker_catalogue(reach, street).add_columns(
        *_progress_columns(uid), pending_grading_clause(uid).label("pending"))


def _module_quiz_exists():
    return sa.exists().where(Quiz.course_id == Course.id)


def enrollment_for(user_id: int, course_id: int) -> Enrollment | None:
    return db.session.scalar(sa.select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id))


def _ensure_enrollment(user_id: int, course_id: int) -> Enrollment:
    found = enrollment_for(user_id, course_id)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            db.session.add(Enrollment(user_id=user_id, course_id=course_id))
    except sa.exc.IntegrityError:
        pass  # a concurrent request created it first
    return enrollment_for(user_id, course_id)


def is_last_opened(user_id: int, lesson: Lesson) -> bool:
    """Whether ``lesson`` is already where the learner left off (nothing to record)."""
    enrollment = enrollment_for(user_id, lesson.course_id)
    return enrollment is not None and enrollment.last_lesson_id == lesson.id


def open_lesson(user, lesson: Lesson) -> None:
    """Remember where the learner left off."""
    enrollment = _ensure_enrollment(user.id, lesson.course_id)
    enrollment.last_lesson_id = lesson.id
    db.session.flush()


def complete_lesson(user, lesson: Lesson) -> None:
    """Mark a lesson done (idempotent) and complete the course when everything is done."""
    exists = db.session.scalar(sa.select(LessonProgress.id).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id))
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id))
        except sa.exc.IntegrityError:
            pass  # already recorded by a concurrent request
    open_lesson(user, lesson)
    refresh_completion(user, lesson.course_id)


def refresh_completion(user, course_id: int) -> bool:
    """Complete the course (crediting its hours once) when all lessons are done and the
    module quiz, if any, is passed. Returns whether the course is complete."""
    return _complete_if_done(_ensure_enrollment(user.id, course_id))


def refresh_course_completions(course: Course) -> None:
    """After a course changed (a lesson or its quiz removed), complete it for learners
    who have now done everything it asks."""
    for enrollment in db.session.scalars(sa.select(Enrollment).where(
            Enrollment.course_id == course.id, Enrollment.completed_at.is_(None))):
        _complete_if_done(enrollment)


def _complete_if_done(enrollment: Enrollment) -> bool:
    if enrollment.completed_at is not None:
        return True
    user_id, course = enrollment.user_id, db.session.get(Course, enrollment.course_id)
    lesson_ids = {lesson.id for lesson in course.lessons}
    if not lesson_ids or not lesson_ids <= completed_lesson_ids(user_id, course.id):
        return False
    quiz = module_quiz(course.id)
    if quiz is not None and not _quiz_passed(user_id, quiz.id):
        return False
    enrollment.completed_at = utcnow()
    enrollment.hours_credited = float(course.hours)
    db.session.flush()
    return True


def remove_lesson(course: Course, lesson: Lesson) -> bool:
    """Take a lesson out of its course: deleted, or retired (hidden, restorable) when
    learners have progress on it, so that progress is never lost. True when retired."""
    has_progress = db.session.scalar(sa.select(LessonProgress.id).where(
        LessonProgress.lesson_id == lesson.id).limit(1)) is not None
    if has_progress:
        lesson.retired, lesson.position = True, 0
    else:
        course.all_lessons.remove(lesson)
    return has_progress


def module_quiz(course_id: int):
    return module_quiz_for(course_id)


def _quiz_passed(user_id: int, quiz_id: int) -> bool:
    return has_passed(user_id, quiz_id)


def next_lesson(user_id: int, course: Course) -> Lesson | None:
    """Where to continue: the lesson last opened while it is unfinished; once it is done,
    the next unfinished lesson after it; else the first unfinished lesson (None: all done).
    """
    done = completed_lesson_ids(user_id, course.id)
    lessons = course.lessons
    enrollment = enrollment_for(user_id, course.id)
    last = enrollment.last_lesson_id if enrollment else None
    start = next((i for i, lesson in enumerate(lessons) if lesson.id == last), 0)
    ordered = lessons[start:] + lessons[:start]
    return next((lesson for lesson in ordered if lesson.id not in done), None)
