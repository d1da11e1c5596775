"""Trainer pages: my courses, course settings, lesson editor with preview, history."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import roles_required
from trainer.auth.forms import ConfirmForm
from trainer.confirmation import confirmed, refused
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.learning import authoring
from trainer.learning.forms import CourseForm, ImageForm, LessonForm, ModuleQuizForm
from trainer.learning.models import Course, CourseAsset, CourseRevision, Lesson
from trainer.learning.queries import can_edit, editable_clause
from trainer.learning.views.blueprint import bp
from trainer.numbers import plain_int
from trainer.org.models import Department
from trainer.org.pickers import by_department
from trainer.quizzes import modules
from trainer.quizzes.queries import module_quiz_for
from trainer.unit_of_work import refusal_on, refusal_redirects

author_required = roles_required("trainer", "admin")


def _editable(slug: str) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None or not can_edit(current_user, course):
        abort(404)
    return course


def _departments(form: CourseForm) -> None:
    stmt = sa.select(Department).order_by(Department.id)
    if current_user.role == "trainer":
        stmt = stmt.where(Department.id == current_user.department_id)
    form.department.choices = [(d.code, d.name) for d in db.session.scalars(stmt)]


@bp.route("/author/courses")
@author_required
def my_courses():
    stmt = sa.select(Course).where(editable_clause(current_user)).order_by(Course.title)
    page = db.paginate(stmt, per_page=20, error_out=False)
    return render_template("learning/my_courses.html", page=page)


@bp.route("/author/courses/new", methods=["GET", "POST"])
@author_required
def new_course():
    form = CourseForm()
    _departments(form)
    if form.validate_on_submit():
        dept = db.session.scalar(
            sa.select(Department).where(Department.code == form.department.data))
        with refusal_on(form):
            course = authoring.create_course(
                current_user, form.slug.data or "", form.title.data, dept, form.summary.data,
                float(form.hours.data), form.competencies.data, form.lecturer.data or "")
            return redirect(url_for("learning.edit_course", slug=course.slug))
        return render_template("learning/course_form.html", form=form), 422
    return render_template("learning/course_form.html", form=form)


@bp.route("/author/courses/<slug>", methods=["GET", "POST"])
@author_required
def edit_course(slug: str):
    course = _editable(slug)
    form = CourseForm(obj=course if request.method == "GET" else None)
    _departments(form)
    form.department.data = course.department.code
    if request.method == "GET":
        form.slug.data = course.slug
    if form.validate_on_submit():
        with refusal_on(form):
            old = authoring.rename_course(current_user, course, form.slug.data or slug)
            authoring.update_course(current_user, course, form.title.data, form.summary.data,
                                    float(form.hours.data), form.competencies.data,
                                    form.lecturer.data or "")
            flash(_("Saved. Links with the old short name %(old)s lead here.", old=old)
                  if old else _("Saved."), "ok")
            return redirect(url_for("learning.edit_course", slug=course.slug))
    history = db.session.scalars(sa.select(CourseRevision).where(
        CourseRevision.course_id == course.id).order_by(CourseRevision.id.desc()).limit(20))
    images = db.session.execute(sa.select(CourseAsset.name, sa.func.length(CourseAsset.data))
                                .where(CourseAsset.course_id == course.id,
                                       CourseAsset.kind == "image")
                                .order_by(CourseAsset.name)).tuples().all()
    return render_template("learning/course_edit.html", course=course, form=form,
                           confirm=ConfirmForm(), history=list(history),
                           labels=authoring.HISTORY_LABELS(), images=images,
                           image_form=ImageForm(), quiz_form=_quiz_form(course),
                           module_quiz=module_quiz_for(course.id))


def _quiz_form(course: Course) -> ModuleQuizForm:
    form = ModuleQuizForm()
    form.quiz.choices = by_department(
        modules.attachable_quizzes(current_user, course), lambda q: str(q.id),
        first=("", _("Choose a quiz")))
    return form


@bp.post("/author/courses/<slug>/quiz")
@author_required
@refusal_redirects("learning.edit_course", "slug")
def attach_quiz(slug: str):
    """Attach a module quiz chosen by title (the one attached before becomes standalone)."""
    course = _editable(slug)
    form = _quiz_form(course)
    if not form.validate_on_submit():
        raise Invalid(_("Choose the module quiz from the list; nothing was changed."),
                      field="quiz")
    authoring.attach_quiz(current_user, course, plain_int(form.quiz.data or ""))
    flash(_("Module quiz attached: learners finish the course by reading every lesson and "
            "passing it."), "ok")
    return redirect(url_for("learning.edit_course", slug=slug))


@bp.post("/author/courses/<slug>/quiz/detach")
@author_required
@refusal_redirects("learning.edit_course", "slug")
def detach_quiz(slug: str):
    course = _editable(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirmed():
        refused(_("Tick the box to confirm detaching the module quiz; nothing was changed."))
        return redirect(url_for("learning.edit_course", slug=slug))
    authoring.detach_quiz(current_user, course)
    flash(_("Module quiz detached; it stays as a standalone quiz."), "ok")
    return redirect(url_for("learning.edit_course", slug=slug))


@bp.post("/author/courses/<slug>/images")
@author_required
@refusal_redirects("learning.edit_course", "slug")
def upload_image(slug: str):
    """Add an image to the course; a refused file is flashed on the course page."""
    course = _editable(slug)
    form = ImageForm()
    if not form.validate_on_submit():
        raise Invalid(_("Choose an image file."), field="file")
    upload = form.file.data
    name = authoring.upload_image(current_user, course, upload.filename or "",
                                  upload.read(authoring.MAX_IMAGE_BYTES + 1))
    flash(_("Image uploaded. Show it in a lesson with ![what it shows](%(name)s).",
            name=name), "ok")
    return redirect(url_for("learning.edit_course", slug=slug))


@bp.route("/author/courses/<slug>/lessons/new", methods=["GET", "POST"])
@bp.route("/author/courses/<slug>/lessons/<int:lesson_id>", methods=["GET", "POST"])
@author_required
def edit_lesson(slug: str, lesson_id: int | None = None):
    course = _editable(slug)
    lesson = db.session.get(Lesson, lesson_id) if lesson_id else None
    if lesson_id and (lesson is None or lesson.course_id != course.id):
        abort(404)
    initial = {"body": lesson.body_md} if lesson and request.method == "GET" else None
    form = LessonForm(data=initial)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = authoring.render_lesson(course, form.body.data)
        else:
            with refusal_on(form):
                saved = authoring.save_lesson(current_user, course, lesson, form.body.data)
                flash(_("Lesson saved."), "ok")
                return redirect(url_for("learning.edit_lesson", slug=slug, lesson_id=saved.id))
            return render_template("learning/lesson_form.html", course=course, lesson=lesson,
                                   form=form), 422
    return render_template("learning/lesson_form.html", course=course, lesson=lesson, form=form,
                           preview=preview)


@bp.post("/author/courses/<slug>/lessons/<int:lesson_id>/<action>")
@author_required
def lesson_action(slug: str, lesson_id: int, action: str):
    course = _editable(slug)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != course.id or action not in ("up", "down", "delete"):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if action == "delete":
        authoring.delete_lesson(current_user, course, lesson)
    else:
        authoring.move_lesson(current_user, course, lesson, -1 if action == "up" else 1)
    return redirect(url_for("learning.edit_course", slug=slug))


@bp.post("/author/courses/<slug>/status")
@author_required
@refusal_redirects("learning.edit_course", "slug")
def course_status(slug: str):
    course = _editable(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    target = "draft" if course.status == "published" else "published"
    if target == "draft" and not confirmed():
        refused(_("Tick the box to confirm withdrawing the course; nothing was changed."))
        return redirect(url_for("learning.edit_course", slug=slug))
    authoring.set_status(current_user, course, target)
    flash(_("Published.") if target == "published" else _("Withdrawn to draft."), "ok")
    return redirect(url_for("learning.edit_course", slug=slug))
