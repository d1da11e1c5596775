import sqlalchemy as sa

from trainer.extensions import db
from trainer.learning.models import Course, CourseRevision, Enrollment, Lesson, LessonProgress


def _new_course(auth, slug="fire-basics", department="public-security"):
    return auth.post("/author/courses/new", {
        "slug": slug, "title": "治安基础", "department": department, "lecturer": "社区民警",
        "summary": "简介", "hours": "1.5", "competencies": ["information"]})


def test_trainer_writes_previews_and_publishes_a_lesson(app, fresh, client, auth, users):
    auth.login("trainer")
    assert _new_course(auth).status_code == 302
    body = "# 入户走访\n\n1. 亮明身份\n2. 说明来意\n\n<script>alert(1)</script>"
    page = "/author/courses/fire-basics/lessons/new"
    preview = auth.post(page, {"body": body, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert "<li>亮明身份</li>" in html and "<script>alert(1)" not in html
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0
    assert auth.post(page, {"body": body, "save": "1"}).status_code == 302
    assert auth.post("/author/courses/fire-basics/status",
                     page="/author/courses/fire-basics").status_code == 302
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert course.status == "published" and course.lessons[0].title == "入户走访"
        actions = set(db.session.scalars(sa.select(CourseRevision.action)))
        assert {"created", "lesson added", "published"} <= actions
    auth.logout()
    auth.login("worker")
    assert "入户走访" in client.get("/courses/fire-basics").get_data(as_text=True)


def test_trainer_cannot_create_for_other_department(app, fresh, client, auth, users):
    auth.login("trainer")
    resp = _new_course(auth, department="fire")
    assert resp.status_code == 200  # "fire" is not among this trainer's choices
    assert fresh.scalar(sa.select(Course)) is None


def test_trainer_of_other_department_cannot_edit(app, client, auth, users, make_user):
    auth.login("trainer")
    _new_course(auth)
    auth.logout()
    make_user("firetrainer", role="trainer", department="fire")
    auth.login("firetrainer")
    assert client.get("/author/courses/fire-basics").status_code == 404
    auth.logout()
    auth.login("admin")
    assert client.get("/author/courses/fire-basics").status_code == 200


def test_publishing_needs_a_lesson(app, fresh, client, auth, users):
    auth.login("trainer")
    _new_course(auth)
    auth.post("/author/courses/fire-basics/status", page="/author/courses/fire-basics")
    assert fresh.scalar(sa.select(Course.status)) == "draft"


def test_editing_published_course_keeps_learner_progress(app, fresh, client, auth, users, load,
                                                         course_dir):
    load(course_dir)
    first = fresh.scalar(sa.select(Lesson).where(Lesson.position == 1)).id
    auth.login("worker")
    auth.post(f"/lessons/{first}/complete", page=f"/lessons/{first}")
    auth.logout()
    auth.login("admin")
    page = f"/author/courses/demo-course/lessons/{first}"
    auth.post(page, {"body": "# 第一课（新版）\n\n更新。", "save": "1"})
    auth.post(f"/author/courses/demo-course/lessons/{first}/down",
              page="/author/courses/demo-course")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 1
        assert db.session.get(Lesson, first).position == 2
        assert db.session.scalar(sa.select(Enrollment)) is not None


def test_bad_course_form_shows_errors_and_changes_nothing(app, fresh, client, auth, users):
    auth.login("trainer")
    resp = auth.post("/author/courses/new", {"slug": "Bad Slug!", "title": "x",
                                             "department": "public-security", "hours": "2"},
                     page="/author/courses/new")
    assert resp.status_code == 422
    assert fresh.scalar(sa.select(Course)) is None


def test_publishing_without_a_lesson_flashes_why_and_goes_back_to_the_course(app, client,
                                                                              auth, users):
    auth.login("trainer")
    _new_course(auth)
    resp = auth.post("/author/courses/fire-basics/status", page="/author/courses/fire-basics")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/author/courses/fire-basics")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "请先添加课时再发布。")]


def test_a_used_short_name_is_shown_on_its_field_and_nothing_is_saved(app, fresh, client, auth,
                                                                      users):
    auth.login("trainer")
    assert _new_course(auth).status_code == 302
    resp = auth.post("/author/courses/new", {
        "slug": "fire-basics", "title": "另一门课", "department": "public-security",
        "hours": "1"}, page="/author/courses/new")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="slug-error">该短名称已被使用。</p>' in html
    assert fresh.scalars(sa.select(Course.title)) == ["治安基础"]


def test_course_settings_and_lesson_saves_are_committed(app, client, auth, users):
    auth.login("trainer")
    _new_course(auth)
    resp = auth.post("/author/courses/fire-basics", {
        "title": "治安基础（修订）", "department": "public-security", "summary": "新简介",
        "hours": "2", "competencies": ["information"]})
    assert resp.status_code == 302
    with client.session_transaction() as session:
        assert session["_flashes"] == [("ok", "已保存。")]
    resp = auth.post("/author/courses/fire-basics/lessons/new", {"body": "# 第一课\n\n内容。",
                                                                 "save": "1"})
    assert resp.status_code == 302
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert (course.title, float(course.hours)) == ("治安基础（修订）", 2.0)
        assert [lesson.title for lesson in course.lessons] == ["第一课"]


def test_an_empty_short_name_is_made_from_the_title_in_pinyin(app, fresh, auth, users):
    auth.login("trainer")
    first = _new_course(auth, slug="")
    assert first.status_code == 302 and first.headers["Location"].endswith(
        "/author/courses/zhi-an-ji-chu")
    again = _new_course(auth, slug="  ")
    assert again.headers["Location"].endswith("/author/courses/zhi-an-ji-chu-2")
    own = _new_course(auth, slug="Patrol-101")  # written by hand: kept, in lowercase
    assert own.headers["Location"].endswith("/author/courses/patrol-101")
    with app.app_context():
        from trainer.learning.authoring import slug_from_title
        assert slug_from_title("2026年 网格员 Safety 培训") == (
            "2026-nian-wang-ge-yuan-safety-pei-xun")
        assert slug_from_title("！！").startswith("course-")
