import sqlalchemy as sa

from tests.conftest import app_ctx, bearer
from tests.learning.pictures import png
from trainer.extensions import db
from trainer.learning.models import Course, Enrollment, Lesson


def _ids(app):
    with app_ctx(app):
        stmt = sa.select(Lesson).order_by(Lesson.position)
        return [lesson.id for lesson in db.session.scalars(stmt)]


def test_worker_finds_course_by_department_and_reads_it(app, client, auth, users, load, course_dir):
    load(course_dir)
    auth.login("worker")
    html = client.get("/courses?department=fire").get_data(as_text=True)
    assert "测试课程" in html
    assert "测试课程" not in client.get("/courses?department=health").get_data(as_text=True)
    first = _ids(app)[0]
    page = client.get(f"/lessons/{first}").get_data(as_text=True)
    assert "先亮明身份" in page and "<table>" in page


def test_completing_all_lessons_credits_hours_once(app, client, auth, users, load, course_dir):
    load(course_dir)
    auth.login("worker")
    for lesson_id in _ids(app):
        resp = auth.post(f"/lessons/{lesson_id}/complete", page=f"/lessons/{lesson_id}")
        assert resp.status_code == 302
    auth.post(f"/lessons/{_ids(app)[0]}/complete", page="/courses")
    with app.app_context():
        enrollment = db.session.scalar(sa.select(Enrollment))
        assert enrollment.completed_at is not None and enrollment.hours_credited == 2
    assert "100%" in client.get("/courses").get_data(as_text=True)


def test_continue_points_at_first_unfinished_lesson(app, client, auth, users, load, course_dir):
    load(course_dir)
    auth.login("worker")
    first, second = _ids(app)
    auth.post(f"/lessons/{first}/complete", page=f"/lessons/{first}")
    html = client.get("/courses/demo-course").get_data(as_text=True)
    assert f'href="/lessons/{second}"' in html


def test_other_streets_private_course_is_404(app, client, auth, users, make_user, load,
                                            course_dir):
    load(course_dir)
    make_user("w2", unit="S2-C1-G1")
    with app.app_context():
        from trainer.org.services import unit_by_code

        db.session.execute(sa.update(Course).values(street_id=unit_by_code("S1").id))
        db.session.commit()
    lesson_id = _ids(app)[0]
    token = auth.token("w2")
    assert client.get(f"/api/v1/lessons/{lesson_id}", headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/courses", headers=bearer(token)).get_json() == []
    assert client.get(f"/api/v1/lessons/{lesson_id}",
                      headers=bearer(auth.token("worker"))).status_code == 200


def test_draft_course_hidden_from_workers(app, client, auth, users, load, course_dir):
    load(course_dir)
    with app.app_context():
        db.session.execute(sa.update(Course).values(status="draft"))
        db.session.commit()
    auth.login("worker")
    assert client.get("/courses/demo-course").status_code == 404


def test_api_catalogue_course_lesson_and_complete(app, client, auth, users, load, course_dir):
    load(course_dir)
    headers = bearer(auth.token("worker"))
    items = client.get("/api/v1/courses", headers=headers).get_json()
    assert items == [{"slug": "demo-course", "title": "测试课程",
                      "department": {"code": "fire", "name": "消防"}, "hours": 2.0,
                      "progress": 0}]
    course = client.get("/api/v1/courses/demo-course", headers=headers).get_json()
    assert [lesson["completed"] for lesson in course["lessons"]] == [False, False]
    lesson_id = course["lessons"][0]["id"]
    lesson = client.get(f"/api/v1/lessons/{lesson_id}", headers=headers).get_json()
    assert lesson["title"] == "第一课" and "<table>" in lesson["html"]
    assert client.post(f"/api/v1/lessons/{lesson_id}/complete", headers=headers).status_code \
        == 200
    assert client.get("/api/v1/courses", headers=headers).get_json()[0]["progress"] == 50


def test_api_pagination_link_header(app, client, auth, users, load, shipped_copy):
    load(shipped_copy)
    resp = client.get("/api/v1/courses?page=1&per_page=5", headers=bearer(auth.token("worker")))
    assert len(resp.get_json()) == 5
    assert 'rel="next"' in resp.headers["Link"] and "page=2" in resp.headers["Link"]


def test_stored_xss_in_a_lesson_never_reaches_the_page(app, client, auth, users, load,
                                                       course_dir):
    (course_dir / "demo-course" / "01-a.md").write_text(
        '# 第一课\n\n<script>alert("x")</script>\n\n<img src="a.png" onerror="alert(1)">\n\n'
        '<a href="javascript:alert(1)">链接</a> <a href="data:text/html,x">数据</a>\n', "utf-8")
    load(course_dir)
    auth.login("worker")
    lesson_id = _ids(app)[0]
    for body in (client.get(f"/lessons/{lesson_id}").get_data(as_text=True),
                 client.get(f"/api/v1/lessons/{lesson_id}",
                            headers=bearer(auth.token("worker"))).get_data(as_text=True)):
        assert 'alert("x")' not in body and "onerror" not in body
        assert "javascript:" not in body and "data:text/html" not in body


def test_course_images_are_served_but_question_files_are_not(app, client, auth, users, load,
                                                           course_dir):
    folder = course_dir / "demo-course"
    (folder / "map.png").write_bytes(png())
    (folder / "01-a.md").write_text("# 第一课\n\n![网格图](map.png)\n", "utf-8")
    load(course_dir)
    auth.login("worker")
    html = client.get(f"/lessons/{_ids(app)[0]}").get_data(as_text=True)
    assert 'src="/courses/demo-course/assets/map.png?v=' in html
    image = client.get("/courses/demo-course/assets/map.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get("/courses/demo-course/assets/course.yml").status_code == 404
