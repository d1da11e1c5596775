"""Authorization matrix entries of the learning domain."""

import sqlalchemy as sa

from tests.authz_specs import expect, fixed
from tests.conftest import app_ctx
from trainer.extensions import db

PAGE = expect(302, 200, 200, 200, 200)
AUTHOR = expect(302, 403, 200, 403, 200)
AUTHOR_POST = expect(302, 403, 302, 403, 302)
API = expect(401, 200, 200, 200, 200)

SPECS = {
    ("GET", "/courses"): (fixed("/courses"), PAGE),
    ("GET", "/courses/<slug>"): (fixed("/courses/authz-course"), PAGE),
    ("GET", "/courses/<slug>/offline.json"): (fixed("/courses/authz-course/offline.json"), PAGE),
    ("GET", "/courses/<slug>/assets/<path:name>"): (
        fixed("/courses/authz-course/assets/images/x.png"), PAGE),
    ("GET", "/lessons/<int:lesson_id>"): (lambda c: f"/lessons/{c['lesson']}", PAGE),
    ("POST", "/lessons/<int:lesson_id>/complete"): (lambda c: f"/lessons/{c['lesson']}/complete",
                                                    expect(302, 302, 302, 302, 302)),
    ("GET", "/author/courses"): (fixed("/author/courses"), AUTHOR),
    ("GET", "/author/courses/new"): (fixed("/author/courses/new"), AUTHOR),
    ("POST", "/author/courses/new"): (fixed("/author/courses/new"), AUTHOR),
    # The public-security trainer owns the authz course.
    ("GET", "/author/courses/<slug>"): (fixed("/author/courses/authz-course"), AUTHOR),
    ("POST", "/author/courses/<slug>"): (fixed("/author/courses/authz-course"), AUTHOR),
    ("GET", "/author/courses/<slug>/lessons/new"): (
        fixed("/author/courses/authz-course/lessons/new"), AUTHOR),
    ("POST", "/author/courses/<slug>/lessons/new"): (
        fixed("/author/courses/authz-course/lessons/new"), AUTHOR),
    ("GET", "/author/courses/<slug>/lessons/<int:lesson_id>"): (
        lambda c: f"/author/courses/authz-course/lessons/{c['lesson']}", AUTHOR),
    ("POST", "/author/courses/<slug>/lessons/<int:lesson_id>"): (
        lambda c: f"/author/courses/authz-course/lessons/{c['lesson']}", AUTHOR),
    ("POST", "/author/courses/<slug>/lessons/<int:lesson_id>/<action>"): (
        lambda c: f"/author/courses/authz-course/lessons/{c['lesson']}/down", AUTHOR_POST),
    ("POST", "/author/courses/<slug>/status"): (fixed("/author/courses/authz-course/status"),
                                                AUTHOR_POST),
    ("POST", "/author/courses/<slug>/quiz"): (fixed("/author/courses/authz-course/quiz"),
                                              AUTHOR_POST),
    ("POST", "/author/courses/<slug>/quiz/detach"): (
        fixed("/author/courses/authz-course/quiz/detach"), AUTHOR_POST),
    ("GET", "/api/v1/courses"): (fixed("/api/v1/courses"), API),
    ("GET", "/api/v1/courses/<slug>"): (fixed("/api/v1/courses/authz-course"), API),
    ("POST", "/author/courses/<slug>/images"): (fixed("/author/courses/authz-course/images"),
                                                AUTHOR_POST),
    ("GET", "/api/v1/courses/<slug>/assets/<path:name>"): (
        fixed("/api/v1/courses/authz-course/assets/images/x.png"), API),
    ("GET", "/api/v1/lessons/<int:lesson_id>"): (lambda c: f"/api/v1/lessons/{c['lesson']}",
                                                 API),
    ("POST", "/api/v1/lessons/<int:lesson_id>/complete"): (
        lambda c: f"/api/v1/lessons/{c['lesson']}/complete", API),
}

# A trainer limited to street S1 may not open the district-wide course for editing: 404.
STREET_TRAINER = {
    ("GET", "/author/courses/<slug>"): 404,
    ("POST", "/author/courses/<slug>"): 404,
    ("GET", "/author/courses/<slug>/lessons/new"): 404,
    ("POST", "/author/courses/<slug>/lessons/new"): 404,
    ("GET", "/author/courses/<slug>/lessons/<int:lesson_id>"): 404,
    ("POST", "/author/courses/<slug>/lessons/<int:lesson_id>"): 404,
    ("POST", "/author/courses/<slug>/lessons/<int:lesson_id>/<action>"): 404,
    ("POST", "/author/courses/<slug>/status"): 404,
    ("POST", "/author/courses/<slug>/images"): 404,
    ("POST", "/author/courses/<slug>/quiz"): 404,
    ("POST", "/author/courses/<slug>/quiz/detach"): 404,
}


def build(app, users) -> dict:
    from tests.learning.pictures import png
    from trainer.learning.models import Course, CourseAsset, Lesson
    from trainer.org.models import Department

    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == "public-security"))
        course = Course(slug="authz-course", title="授权测试", department=dept,
                        status="published", hours=1, competencies=[])
        course.all_lessons = [Lesson(position=1, title="一", filename="01-a.md", body_md="# 一",
                                     body_html="<p>一</p>"),
                              Lesson(position=2, title="二", filename="02-b.md", body_md="# 二",
                                     body_html="<p>二</p>")]
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseAsset(course_id=course.id, name="images/x.png", kind="image",
                                   mimetype="image/png", data=png()))
        db.session.commit()
        return {"lesson": course.all_lessons[0].id}
