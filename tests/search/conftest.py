"""Factories for search: courses with lessons saved through the authoring services (so
the index is kept up to date the way the site keeps it)."""

import pytest
import sqlalchemy as sa

from trainer.extensions import db

CHARGING = ("# 电动自行车充电安全\n\n"
            "提醒居民不要在楼道里给电动自行车充电，发现飞线充电及时劝导并上报。\n")
WAGES = ("# 协助被拖欠工资的居民\n\n"
         "居民反映欠薪时，先记录情况，再引导到劳动保障监察渠道或拨打12333。\n")


@pytest.fixture
def make_course(app, users):
    from trainer.auth.models import User
    from trainer.learning import authoring
    from trainer.org.services import department_by_code, unit_by_code

    def make(slug, lessons, *, title="测试课程", summary="", status="published", street=None):
        with app.app_context():
            admin = db.session.get(User, users["admin"])
            course = authoring.create_course(admin, slug, title,
                                             department_by_code("public-security"),
                                             summary, 1.0, [])
            for body in lessons:
                authoring.save_lesson(admin, course, None, body)
            if status == "published":
                authoring.set_status(admin, course, "published")
            course.street_id = unit_by_code(street).id if street else None
            db.session.commit()
            return course.id

    return make


@pytest.fixture
def lesson_ids(app):
    from trainer.learning.models import Lesson

    def ids(course_id):
        with app.app_context():
            return list(db.session.scalars(sa.select(Lesson.id).where(
                Lesson.course_id == course_id).order_by(Lesson.position)))

    return ids


def found(client, q, *, marks=False, **args):
    """(status, page HTML) of a search as the logged-in client; without ``marks`` the
    highlighting is taken out, so titles read as written."""
    resp = client.get("/search", query_string={"q": q, **args})
    html = resp.get_data(as_text=True)
    return resp.status_code, html if marks else html.replace("<mark>", "").replace("</mark>", "")


def api_titles(client, token, q, **args):
    from tests.conftest import bearer

    resp = client.get("/api/v1/search", query_string={"q": q, **args}, headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    return [item["title"] for item in resp.get_json()["items"]]


@pytest.fixture
def token_of(auth, users):
    return auth.token
