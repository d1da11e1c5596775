"""Authoring use cases for trainers: courses, lessons, order, status, history."""

import re
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer import signals
from trainer.audit import events as audit
from trainer.errors import Forbidden, Invalid
from trainer.extensions import db
from trainer.learning import services
from trainer.learning.course_format import COMPETENCIES, lesson_title
from trainer.learning.images import (
    IMAGE_SUFFIXES,
    MAX_IMAGE_BYTES,
    dimensions,
    image_faults,
    sniff,
)
from trainer.learning.models import Course, CourseAsset, CourseRevision, Lesson
from trainer.learning.queries import can_edit
from trainer.learning.rendering import lesson_html
from trainer.learning.search import announce, announce_lessons
from trainer.org.models import Department
from trainer.org.scope import district_id_of, street_id_of
from trainer.quizzes.modules import attach_module_quiz, detach_module_quiz
from trainer.slugs import first_free

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")


def slug_from_title(title: str) -> str:
    """A course's short name from its Chinese title, in pinyin without tones: 「社区矛盾调解」
    becomes ``she-qu-mao-dun-tiao-jie``; Latin letters and digits are kept. Unique
    among the courses (``-2``, ``-3`` ... when taken); ``course-…`` if nothing is left."""
    from pypinyin import Style, lazy_pinyin

    words = []
    for part in lazy_pinyin((title or "").strip(), style=Style.NORMAL, errors="default"):
        words += re.findall(r"[a-z0-9]+", part.lower())
    base, size = "", 0
    for word in words:  # whole syllables, at most 60 characters
        if size + len(word) + 1 > 60:
            break
        base, size = f"{base}-{word}" if base else word, size + len(word) + 1
    if len(base) < 2:
        base = f"course-{secrets.token_hex(3)}"
    return first_free(base, lambda slug: db.session.scalar(
        sa.select(Course.id).where(Course.slug == slug)))
MAX_LESSON_CHARS = 100_000


def HISTORY_LABELS():  # noqa: N802 - a constant-like table, built lazily for translation
    """What the change history shows for each action code (unknown codes show as is)."""
    return {"created": _l("Course created"), "edited": _l("Course settings edited"),
            "lesson added": _l("Lesson added"), "lesson edited": _l("Lesson edited"),
            "lessons reordered": _l("Lessons reordered"), "lesson deleted": _l("Lesson deleted"),
            "lesson retired": _l("Lesson removed (learners' progress kept)"),
            "published": _l("Published"), "draft": _l("Withdrawn to draft"),
            "loaded": _l("Loaded from files"), "loaded new": _l("Created from files"),
            "reloaded": _l("Updated from files"), "image uploaded": _l("Image uploaded"),
            "renamed": _l("Short name changed; old links lead here. It was"),
            "quiz attached": _l("Module quiz attached"),
            "quiz detached": _l("Module quiz detached")}


_AUDIT_ACTIONS = {"created": "course_created", "published": "course_published",
                  "draft": "course_withdrawn"}


def _record(course: Course, user, action: str, detail: str = "") -> None:
    db.session.add(CourseRevision(course_id=course.id, user_id=user.id, action=action,
                                  detail=detail[:2000]))
    audit.record(_AUDIT_ACTIONS.get(action, "course_edited"), actor=user,
                 object_type="course", object_id=course.id, object_label=course.title,
                 street_id=course.street_id, district_id=course.district_id,
                 details={"change": action, "detail": detail[:200]})


def _require_edit(user, course: Course) -> None:
    if not can_edit(user, course):
        raise Forbidden(_("You may only edit your own department's courses."))


def create_course(user, slug: str, title: str, department: Department, summary: str,
                  hours: float, competencies: list[str], lecturer: str = "") -> Course:
    """A new draft course; trainers create them for their own department. An empty
    ``slug`` is made from the title's pinyin (``slug_from_title``)."""
    slug = (slug or "").strip().lower() or slug_from_title(title)
    if not SLUG.match(slug):
        raise Invalid(_("The short name uses lowercase letters, digits and hyphens."),
                      field="slug")
    if db.session.scalar(sa.select(Course.id).where(Course.slug == slug)):
        raise Invalid(_("This short name is already used."), field="slug")
    if user.role == "trainer" and department.id != user.department_id:
        raise Invalid(_("You may only create courses for your own department."),
                      field="department")
    course = Course(slug=slug, department=department, status="draft",
                    street_id=street_id_of(user) if user.role == "trainer" else None,
                    district_id=district_id_of(user))
    db.session.add(course)
    _apply_meta(course, title, summary, hours, competencies, lecturer)
    db.session.flush()
    announce(course)
    _record(course, user, "created", title)
    return course


def _apply_meta(course, title, summary, hours, competencies, lecturer) -> None:
    unknown = [c for c in competencies or [] if c not in COMPETENCIES]
    if unknown:
        raise Invalid(_("Unknown competency."), field="competencies")
    if hours is None or not 0 <= hours <= 100:
        raise Invalid(_("Hours must be between 0 and 100."), field="hours")
    course.title, course.summary = (title or "").strip(), (summary or "").strip()
    course.hours = float(hours) + 0.0  # no "-0.0"
    course.competencies, course.lecturer = list(competencies or []), (lecturer or "").strip()


def update_course(user, course: Course, title: str, summary: str, hours: float,
                  competencies: list[str], lecturer: str) -> None:
    """Change a course's description; learners' progress is untouched."""
    _require_edit(user, course)
    _apply_meta(course, title, summary, hours, competencies, lecturer)
    course.source = "web"
    db.session.flush()
    announce(course)
    _record(course, user, "edited", title)


def rename_course(user, course: Course, slug: str) -> str | None:
    """Change a course's short name (its links); returns the old one, or None when
    unchanged. The old one is kept in the history (``renamed`` with the old slug), from
    which ``renamed_course`` sends old links on; the domains that name courses by slug
    follow through the ``course_renamed`` signal."""
    _require_edit(user, course)
    slug, old = (slug or "").strip().lower(), course.slug
    if not slug or slug == old:
        return None
    if not SLUG.match(slug):
        raise Invalid(_("The short name uses lowercase letters, digits and hyphens."),
                      field="slug")
    if db.session.scalar(sa.select(Course.id).where(Course.slug == slug)):
        raise Invalid(_("This short name is already used."), field="slug")
    course.slug = slug
    db.session.flush()
    announce(course)
    _record(course, user, "renamed", old)
    signals.course_renamed.send(course, old=old, new=slug)
    return old


def renamed_course(slug: str) -> Course | None:
    """The course that had this short name before a rename (its latest holder)."""
    course_id = db.session.scalar(
        sa.select(CourseRevision.course_id).where(CourseRevision.action == "renamed",
                                                  CourseRevision.detail == slug)
        .order_by(CourseRevision.id.desc()).limit(1))
    return db.session.get(Course, course_id) if course_id else None


def save_lesson(user, course: Course, lesson: Lesson | None, body_md: str) -> Lesson:
    """Create or replace a lesson's Markdown; the HTML is sanitised here, once."""
    _require_edit(user, course)
    if not body_md.strip():
        raise Invalid(_("The lesson text is empty."), field="body")
    if len(body_md) > MAX_LESSON_CHARS:
        raise Invalid(_("The lesson is too long."), field="body")
    _check_images(course, body_md)
    if lesson is None:
        lesson = _new_lesson(course)
        action = "lesson added"
    else:
        action = "lesson edited"
    lesson.body_md = body_md
    lesson.title = lesson_title(body_md, _("Lesson %(n)s", n=lesson.position))
    lesson.body_html = render_lesson(course, body_md)
    course.source = "web"
    db.session.flush()
    db.session.refresh(course)
    announce_lessons(lesson.id)
    _record(course, user, action, lesson.title)
    return lesson


def _new_lesson(course: Course) -> Lesson:
    """A lesson at the end, named like a file of the course folder (for load and export)."""
    position = len(course.lessons) + 1
    lesson = Lesson(position=position, title="", filename=f"new-{secrets.token_hex(8)}.md")
    course.all_lessons.append(lesson)
    db.session.flush()  # the id makes the name unique and stable
    taken = {item.filename for item in course.all_lessons}
    name = f"{position:02d}-lesson-{lesson.id}.md"
    lesson.filename = name if name not in taken else f"web-lesson-{lesson.id}.md"
    return lesson


def course_images(course: Course) -> dict[str, bytes]:
    return dict(db.session.execute(sa.select(CourseAsset.name, CourseAsset.data).where(
        CourseAsset.course_id == course.id, CourseAsset.kind == "image")).tuples().all())


def render_lesson(course: Course, body_md: str) -> str:
    return lesson_html(body_md, course.slug, course_images(course))


def _check_images(course: Course, body_md: str) -> None:
    names = set(db.session.scalars(sa.select(CourseAsset.name).where(
        CourseAsset.course_id == course.id, CourseAsset.kind == "image")))
    for line, src, fault in image_faults(body_md, names):
        messages = {
            "no_alt": _("Line %(n)s: the image %(src)s needs a description between the "
                        "brackets: ![what it shows](...).", n=line, src=src),
            "external": _("Line %(n)s: the image %(src)s is on another site; upload it "
                          "to the course and use its name.", n=line, src=src),
            "missing": _("Line %(n)s: the image %(src)s is not among the course's "
                         "images; upload it first.", n=line, src=src)}
        raise Invalid(messages[fault], field="body")


IMAGE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def upload_image(user, course: Course, filename: str, data: bytes) -> str:
    """Add or replace a course image (saved as images/<name>); lessons showing it are
    rendered again. The name lessons use is returned."""
    _require_edit(user, course)
    stem, dot, suffix = (filename or "").rpartition(".")
    suffix = "." + suffix.lower() if dot else ""
    stem = IMAGE_NAME.sub("-", stem).strip("-._")[:60] or "image"
    if suffix not in IMAGE_SUFFIXES or sniff(data) != IMAGE_SUFFIXES[suffix]:
        raise Invalid(_("Images are PNG, JPEG or WebP files."), field="file")
    if len(data) > MAX_IMAGE_BYTES:
        raise Invalid(_("The image is larger than %(kb)s KB; make it smaller.",
                        kb=MAX_IMAGE_BYTES // 1000), field="file")
    if dimensions(data) is None:
        raise Invalid(_("The image cannot be read."), field="file")
    name = f"images/{stem}{suffix}"
    item = db.session.scalar(sa.select(CourseAsset).where(
        CourseAsset.course_id == course.id, CourseAsset.name == name))
    if item is None:
        item = CourseAsset(course_id=course.id, name=name, kind="image")
        db.session.add(item)
    elif item.kind != "image":
        raise Invalid(_("Another file of the course has this name."), field="file")
    item.mimetype, item.data = sniff(data), data
    db.session.flush()
    images = course_images(course)
    for lesson in course.lessons:
        lesson.body_html = lesson_html(lesson.body_md, course.slug, images)
    course.source = "web"
    db.session.flush()
    _record(course, user, "image uploaded", name)
    return name


def move_lesson(user, course: Course, lesson: Lesson, offset: int) -> None:
    """Move a lesson up (-1) or down (+1) in the course order."""
    _require_edit(user, course)
    order = list(course.lessons)
    index = order.index(lesson)
    target = index + offset
    if not 0 <= target < len(order):
        return
    order[index], order[target] = order[target], order[index]
    for position, item in enumerate(order, start=1):
        item.position = position
    db.session.flush()
    _record(course, user, "lessons reordered", lesson.title)


def delete_lesson(user, course: Course, lesson: Lesson) -> None:
    """Remove a lesson; one that learners have progress on is retired (kept) instead."""
    _require_edit(user, course)
    title, lesson_id = lesson.title, lesson.id
    retired = services.remove_lesson(course, lesson)
    for position, item in enumerate(course.lessons, start=1):
        item.position = position
    db.session.flush()
    services.refresh_course_completions(course)
    announce_lessons(lesson_id)
    _record(course, user, "lesson retired" if retired else "lesson deleted", title)


def set_status(user, course: Course, status: str) -> None:
    """Publish or withdraw to draft; a course needs a lesson before it is published."""
    _require_edit(user, course)
    if status == "published" and not course.lessons:
        raise Invalid(_("Add a lesson before publishing."), field="status")
    course.status = status
    db.session.flush()
    announce(course)
    _record(course, user, status)


def attach_quiz(user, course: Course, quiz_id: int | None) -> None:
    """Make one of the attachable quizzes (trainer.quizzes.modules) the module quiz."""
    _require_edit(user, course)
    quiz = attach_module_quiz(user, course, quiz_id)
    _record(course, user, "quiz attached", quiz.title)


def detach_quiz(user, course: Course) -> None:
    _require_edit(user, course)
    quiz = detach_module_quiz(course)
    if quiz is None:
        raise Invalid(_("The course has no module quiz."), field="quiz")
    _record(course, user, "quiz detached", quiz.title)
