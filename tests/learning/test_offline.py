"""The installable web app (issue 17 item 7): manifest and icons, the service worker from
the site's root, the list a course keeps offline, and logout clearing the offline cache."""

import json

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db


def _course(app):
    from trainer.learning.models import Course, CourseAsset, Lesson
    from trainer.org.models import Department

    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == "fire"))
        course = Course(slug="keep-me", title="离线课程", department=dept, status="published",
                        hours=1, competencies=[])
        course.all_lessons = [
            Lesson(position=1, title="一", filename="01.md", body_md="一", body_html="<p>一</p>"),
            Lesson(position=2, title="二", filename="02.md", body_md="二", body_html="<p>二</p>")]
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseAsset(course_id=course.id, name="images/a.png", kind="image",
                                   mimetype="image/png", data=b"\x89PNG"))
        db.session.commit()
        return [lesson.id for lesson in course.all_lessons]


def test_manifest_names_the_app_its_icons_and_theme(client):
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200 and resp.mimetype == "application/manifest+json"
    body = json.loads(resp.get_data(as_text=True))
    assert body["display"] == "standalone" and body["theme_color"] == "#a8231a"
    assert body["start_url"] == "/" and body["scope"] == "/"
    sizes = {(i["sizes"], i["purpose"]) for i in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in body["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_service_worker_is_served_from_the_root_revalidated(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200 and resp.mimetype == "text/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" in resp.headers
    assert b"addEventListener(\"fetch\"" in resp.data


def test_pages_link_the_manifest_and_register_the_worker_from_a_file(client, auth, users):
    auth.login("worker")
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#a8231a">' in html
    assert 'src="/static/js/pwa.js"' in html and "<script>" not in html  # CSP: no inline


def test_a_course_lists_what_it_keeps_offline(app, client, auth, users):
    lesson_ids = _course(app)
    auth.login("worker")
    page = client.get("/courses/keep-me").get_data(as_text=True)
    assert 'id="offline-keep" hidden' in page  # shown by the script only: no-JS unchanged
    data = client.get("/courses/keep-me/offline.json").get_json()
    assert data["urls"][:3] == ["/courses/keep-me", *(f"/lessons/{i}" for i in lesson_ids)]
    assert "/courses/keep-me/assets/images/a.png" in data["urls"]
    assert client.get("/courses/nope/offline.json").status_code == 404


def test_logout_clears_the_offline_cache(client, auth, users):
    auth.login("worker")
    resp = auth.logout()
    assert resp.status_code == 302
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_only_practice_pages_may_be_kept_for_offline_answers(app, client, auth, users):
    from trainer.quizzes.models import Attempt

    with app_ctx(app):
        practice = Attempt(user_id=users["worker"], context="practice", series="practice",
                           label="练习", questions=[])
        quiz = Attempt(user_id=users["worker"], context="quiz", series="quiz", label="测验",
                       questions=[])
        db.session.add_all([practice, quiz])
        db.session.commit()
        ids = practice.id, quiz.id
    auth.login("worker")
    kept = client.get(f"/attempts/{ids[0]}")
    assert kept.status_code == 200 and kept.headers.get("X-GT-Practice") == "1"
    assert 'data-offline-queue="1"' in kept.get_data(as_text=True)
    other = client.get(f"/attempts/{ids[1]}")
    assert other.status_code == 200 and "X-GT-Practice" not in other.headers
