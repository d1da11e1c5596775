"""Authoring forms and who may author what: no 500s, 0 hours, translated history,
street-limited trainers, and cross-department POSTs that change nothing."""

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.learning.models import Course, CourseRevision, Lesson

FORM = {"slug": "patrol-basics", "title": "治安巡查", "department": "public-security",
        "lecturer": "社区民警", "summary": "简介", "hours": "1", "competencies": ["information"]}


def _new(auth, **changes):
    data = {k: v for k, v in {**FORM, **changes}.items() if v is not None}
    return auth.post("/author/courses/new", data, page="/author/courses/new")


def _course(app, slug="patrol-basics"):
    with app_ctx(app):
        return db.session.scalar(sa.select(Course).where(Course.slug == slug))


@pytest.mark.parametrize("missing", ["summary", "lecturer", "competencies"])
def test_course_form_without_an_optional_field_saves(app, client, auth, users, missing):
    auth.login("trainer")
    assert _new(auth, **{missing: None}).status_code == 302
    resp = auth.post("/author/courses/patrol-basics", {"title": "新标题", "hours": "2"})
    assert resp.status_code == 302
    course = _course(app)
    assert (course.title, course.summary, course.lecturer) == ("新标题", "", "")


@pytest.mark.parametrize("missing", ["title", "hours"])  # no slug: made from the title
def test_course_form_without_a_required_field_is_a_form_error(app, client, auth, users,
                                                               missing):
    auth.login("trainer")
    resp = _new(auth, **{missing: None})
    assert resp.status_code == 200 and "error" in resp.get_data(as_text=True)
    assert _course(app) is None


def test_zero_hours_is_accepted_by_the_form(app, client, auth, users):
    auth.login("trainer")
    assert _new(auth, hours="0").status_code == 302
    assert _course(app).hours == 0
    auth.post("/author/courses/patrol-basics", {"title": "治安巡查", "hours": "0.0"})
    assert _course(app).hours == 0


@pytest.mark.parametrize("hours", ["sNaN", "NaN", "-Infinity", "1e999", "101", "-1", "abc"])
def test_bad_hours_are_a_form_error_not_a_500(app, client, auth, users, hours):
    auth.login("trainer")
    resp = _new(auth, hours=hours)
    assert resp.status_code == 200 and "学时" in resp.get_data(as_text=True)
    assert _course(app) is None


def test_change_history_is_shown_in_chinese(app, client, auth, users, load, course_dir):
    load(course_dir)
    auth.login("admin")
    auth.post("/author/courses/demo-course/lessons/new", {"body": "# 新课\n\n内容", "save": "1"})
    auth.post("/author/courses/demo-course/status", page="/author/courses/demo-course")
    assert _course(app, "demo-course").status == "published"  # unconfirmed: unchanged
    auth.post("/author/courses/demo-course/status", {"confirm": "y"},
              page="/author/courses/demo-course")
    auth.post("/author/courses/demo-course/status", page="/author/courses/demo-course")
    html = client.get("/author/courses/demo-course").get_data(as_text=True)
    history = html[html.index('class="history"'):]
    for english in ("lesson added", "published", "loaded", " draft", "from courses"):
        assert english not in history
    assert "新增课时" in history and "发布" in history and "从文件创建" in history


def test_street_limited_trainer_edits_only_their_streets_courses(app, client, auth, users,
                                                                 make_user, load, course_dir,
                                                                 org):
    load(course_dir)  # a shipped-style, district-wide fire course
    make_user("s1fire", role="trainer", unit="S1", department="fire")
    auth.login("s1fire")
    assert client.get("/author/courses/demo-course").status_code == 404
    resp = auth.post("/author/courses/demo-course", {"title": "改", "hours": "1"},
                     page="/author/courses")
    assert resp.status_code == 404 and _course(app, "demo-course").title == "测试课程"
    assert "测试课程" not in client.get("/author/courses").get_data(as_text=True)
    assert _new(auth, department="fire").status_code == 302
    course = _course(app)
    assert course.street_id == org.ids["S1"]
    assert client.get("/author/courses/patrol-basics").status_code == 200


def test_district_trainer_edits_district_wide_and_street_courses(app, client, auth, users,
                                                                 make_user, load, course_dir):
    load(course_dir)
    make_user("firetrainer", role="trainer", department="fire")
    make_user("s1fire", role="trainer", unit="S1", department="fire")
    auth.login("s1fire")
    _new(auth, department="fire")
    auth.logout()
    auth.login("firetrainer")
    assert client.get("/author/courses/demo-course").status_code == 200
    assert client.get("/author/courses/patrol-basics").status_code == 200


def test_other_departments_trainer_cannot_post_to_a_course(app, client, auth, users,
                                                           load, course_dir):
    load(course_dir)  # a fire course; "trainer" is public-security
    with app.app_context():
        lesson_id = db.session.scalar(sa.select(Lesson.id).order_by(Lesson.position))
        revisions = db.session.scalar(sa.select(sa.func.count()).select_from(CourseRevision))
    auth.login("trainer")
    base = "/author/courses/demo-course"
    posts = [(base, {"title": "改", "hours": "1"}),
             (f"{base}/lessons/new", {"body": "# 偷加", "save": "1"}),
             (f"{base}/lessons/{lesson_id}", {"body": "# 偷改", "save": "1"}),
             (f"{base}/lessons/{lesson_id}/down", {}), (f"{base}/lessons/{lesson_id}/delete", {}),
             (f"{base}/status", {})]
    for path, data in posts:
        assert auth.post(path, data, page="/author/courses").status_code == 404, path
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert (course.title, course.status) == ("测试课程", "published")
        assert [x.title for x in course.lessons] == ["第一课", "第二课"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseRevision)) \
            == revisions
