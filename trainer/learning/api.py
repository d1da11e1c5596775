"""Course endpoints of the API."""

from flask import request
from flask_login import current_user

from trainer.api.core import api_auth, api_caller, bp, paginated
from trainer.auth import bearer
from trainer.database import read_connection, write_transaction
from trainer.extensions import db
from trainer.learning import services
from trainer.learning.queries import catalogue_query, listed_catalogue
from trainer.learning.serving import image_response
from trainer.quizzes.queries import has_pending_grading, pending_grading_params
from trainer.quizzes.views.common import grade_overdue_first, grade_pending


def course_item(course, progress: int) -> dict:
    return {"slug": course.slug, "title": course.title,
            "department": {"code": course.department.code, "name": course.department.name},
            "hours": float(course.hours), "progress": progress}


@bp.get("/courses")
@api_caller()
def courses():
    args = {k: request.args.get(k, "").strip()[:40] for k in ("department", "competency", "q")}
    caller = bearer.caller()
    if (caller.role == "worker" and request.args.get("page") is None
            and not any(args.values()) and (caller.unit is None or caller.unit.level != "city")):
        return _worker_catalogue(caller)
    # Filtered, paged or staff: the account loaded (Flask-Login, the same token rule) for
    # the scope rules written for it; overdue attempts graded first, as on the page.
    grade_overdue_first()
    if request.args.get("page") is None:
        # The whole catalogue: the few columns it shows as plain rows, no Course objects;
        # then the progress of them all in one statement.
        rows = db.session.execute(listed_catalogue(current_user, **args)).all()
        progress = services.progress_map(current_user.id, [row.id for row in rows])
        return [_listed(row, progress[row.id]) for row in rows]
    items, status, headers = paginated(catalogue_query(current_user, **args), lambda c: c)
    progress = services.progress_map(current_user.id, [c.id for c in items])
    return [course_item(c, progress[c.id]) for c in items], status, headers


def _listed(row, progress: int) -> dict:
    return {"slug": row.slug, "title": row.title,
            "department": {"code": row.code, "name": row.name},
            "hours": float(row.hours), "progress": progress}


def _worker_catalogue(caller) -> list[dict]:
    """A worker's whole catalogue (the app's usual call) in one statement with its
    progress and whether grading is pending; only when something is pending is it graded
    (a write of its own) and the statement asked again."""
    unit = caller.unit  # org.scope.district_ids_of for a worker not at a city's level
    reach = (unit.district_id,) if unit is not None and unit.district_id is not None else ()
    statement = services.worker_catalogue_page(reach, caller.street_id)
    params = {"uid": caller.id, **pending_grading_params()}
    rows = read_connection().execute(statement, params).all()
    if (rows[0].pending if rows else has_pending_grading(caller.id)):
        grade_pending(caller.id)
        rows = read_connection().execute(statement, params).all()
    percent = services.percent
    return [{"slug": slug, "title": title, "department": {"code": code, "name": name},
             "hours": float(hours), "progress": percent(total, done, finished, quiz)}
            for _id, slug, title, hours, code, name, total, done, finished, quiz, _pending
            in rows]


@bp.get("/courses/<slug>")
@api_auth()
def course(slug: str):
    course = services.get_course(current_user, slug)
    done = services.completed_lesson_ids(current_user.id, course.id)
    body = course_item(course, services.progress_percent(current_user.id, course))
    quiz = services.module_quiz(course.id)
    body.update(summary=course.summary, lecturer=course.lecturer,
                competencies=list(course.competencies or []),
                quiz={"id": quiz.id} if quiz is not None else None,
                lessons=[{"id": lesson.id, "title": lesson.title, "completed": lesson.id in done}
                         for lesson in course.lessons])
    return body


@bp.get("/lessons/<int:lesson_id>")
@api_auth()
def lesson(lesson_id: int):
    lesson = services.get_lesson(current_user, lesson_id)
    if not services.is_last_opened(current_user.id, lesson):
        with write_transaction():
            services.open_lesson(current_user, lesson)
    return {"id": lesson.id, "title": lesson.title, "html": absolute_images(lesson.body_html),
            "course": lesson.course.slug, "position": lesson.position}


def absolute_images(html: str) -> str:
    """The stored lesson HTML with its course images as absolute URLs of the API's image
    route (which takes the bearer token, where the page route takes the session)."""
    return html.replace('<img src="/courses/', f'<img src="{request.host_url}api/v1/courses/')


@bp.get("/courses/<slug>/assets/<path:name>")
@api_auth()
def course_image(slug: str, name: str):
    return image_response(services.course_image(current_user, slug, name))


@bp.post("/lessons/<int:lesson_id>/complete")
@api_auth()
def complete_lesson(lesson_id: int):
    lesson = services.get_lesson(current_user, lesson_id)
    services.complete_lesson(current_user, lesson)
    course = lesson.course
    return {"id": lesson.id, "completed": True,
            "course_progress": services.progress_percent(current_user.id, course)}
