"""Course catalogue, course page, lesson reader and progress for learners."""

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from trainer.auth.forms import ConfirmForm
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.learning import services
from trainer.learning.authoring import renamed_course
from trainer.learning.models import Course, CourseAsset
from trainer.learning.policies import asides_for
from trainer.learning.queries import COMPETENCIES, can_edit, catalogue_query
from trainer.learning.serving import image_response
from trainer.learning.views.blueprint import bp
from trainer.org.models import Department


@bp.before_request
def follow_renamed_course():
    """A link with a course's old short name (before its editor changed it) leads to the
    course under its new one, with a permanent redirect (GET and HEAD only)."""
    slug = (request.view_args or {}).get("slug")
    if slug is None or request.method not in ("GET", "HEAD") or db.session.scalar(
            sa.select(Course.id).where(Course.slug == slug)):
        return None
    course = renamed_course(slug)
    if course is None:
        return None
    return redirect(url_for(request.endpoint, **{**request.view_args, "slug": course.slug},
                            **request.args.to_dict()), 301)


@bp.route("/courses")
@login_required
def catalogue():
    args = {k: request.args.get(k, "").strip()[:40] for k in ("department", "competency", "q")}
    page = db.paginate(catalogue_query(current_user, **args), per_page=20, error_out=False)
    progress = services.progress_map(current_user.id, [c.id for c in page.items])
    departments = db.session.scalars(sa.select(Department).order_by(Department.id)).all()
    return render_template("learning/catalogue.html", page=page, progress=progress,
                           departments=departments, competencies=COMPETENCIES, **args)


@bp.route("/courses/<slug>")
@login_required
def course(slug: str):
    course = services.get_course(current_user, slug)
    done = services.completed_lesson_ids(current_user.id, course.id)
    quiz = services.module_quiz(course.id)
    quiz_url = None
    if quiz is not None and "quizzes.quiz" in current_app.view_functions:
        quiz_url = url_for("quizzes.quiz", quiz_id=quiz.id)
    return render_template(
        "learning/course.html", course=course, done=done, quiz=quiz, quiz_url=quiz_url,
        progress=services.progress_percent(current_user.id, course),
        enrollment=services.enrollment_for(current_user.id, course.id),
        resume=services.next_lesson(current_user.id, course),
        can_edit=can_edit(current_user, course))


@bp.route("/lessons/<int:lesson_id>")
@login_required
def lesson(lesson_id: int):
    lesson = services.get_lesson(current_user, lesson_id)
    if not services.is_last_opened(current_user.id, lesson):
        with write_transaction():
            services.open_lesson(current_user, lesson)
    course = lesson.course
    lessons = course.lessons
    index = lessons.index(lesson)
    prev = lessons[index - 1] if index > 0 else None
    nxt = lessons[index + 1] if index + 1 < len(lessons) else None
    done = lesson.id in services.completed_lesson_ids(current_user.id, course.id)
    return render_template("learning/lesson.html", lesson=lesson, course=course, prev=prev,
                           next=nxt, done=done, position=index + 1, total=len(lessons),
                           form=ConfirmForm(), asides=asides_for(current_user, lesson))


@bp.post("/lessons/<int:lesson_id>/complete")
@login_required
def complete(lesson_id: int):
    lesson = services.get_lesson(current_user, lesson_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.complete_lesson(current_user, lesson)
    lessons = lesson.course.lessons
    index = lessons.index(lesson)
    if index + 1 < len(lessons):
        return redirect(url_for("learning.lesson", lesson_id=lessons[index + 1].id))
    return redirect(url_for("learning.course", slug=lesson.course.slug))


@bp.route("/courses/<slug>/offline.json")
@login_required
def offline_list(slug: str):
    """What 「离线保存本课程」 keeps in this phone's offline cache (trainer/static/sw.js):
    the course page, its lessons, their images and the style sheet, as same-site paths."""
    course = services.get_course(current_user, slug)
    names = db.session.scalars(sa.select(CourseAsset.name).where(
        CourseAsset.course_id == course.id, CourseAsset.kind == "image")
        .order_by(CourseAsset.name)).all()
    urls = [url_for("learning.course", slug=course.slug),
            *(url_for("learning.lesson", lesson_id=lesson.id) for lesson in course.lessons),
            *(url_for("learning.asset", slug=course.slug, name=name) for name in names),
            url_for("static", filename="css/site.css"), url_for("static", filename="js/pwa.js")]
    return jsonify(course=course.slug, title=course.title, urls=urls)


@bp.route("/courses/<slug>/assets/<path:name>")
@login_required
def asset(slug: str, name: str):
    """A course image, only to users who may see the course (404 otherwise)."""
    return image_response(services.course_image(current_user, slug, name))
