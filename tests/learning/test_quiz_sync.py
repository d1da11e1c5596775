"""A course.yml whose `quiz:` section goes away: the module quiz is detached, not kept."""

import sqlalchemy as sa

from tests.conftest import bearer
from trainer.extensions import db
from trainer.learning.models import Enrollment

QUIZ = "quiz:\n  questions: questions.gift\n  pass_percent: 50\n"
GIFT = "::q1::楼道可以堆放电动车吗？{F}\n\n::q2::火警电话是多少？{=119}\n"


def _with_quiz(course_dir):
    folder = course_dir / "demo-course"
    (folder / "course.yml").write_text((folder / "course.yml").read_text("utf-8") + QUIZ,
                                       "utf-8")
    (folder / "questions.gift").write_text(GIFT, "utf-8")


def _without_quiz(course_dir):
    yml = course_dir / "demo-course" / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace(QUIZ, ""), "utf-8")


def _pass_quiz(client, headers, quiz_id):
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers).get_json()
    for q in body["questions"]:
        answer = False if q["type"] == "truefalse" else "119"
        client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{q['id']}",
                   json={"answer": answer}, headers=headers)
    graded = client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    assert graded.get_json()["passed"]


def test_removed_quiz_section_detaches_the_quiz_and_completes_waiting_learners(
        app, client, auth, users, load, course_dir):
    from trainer.quizzes.models import Attempt, Quiz

    _with_quiz(course_dir)
    load(course_dir)
    headers = bearer(auth.token("worker"))
    course = client.get("/api/v1/courses/demo-course", headers=headers).get_json()
    quiz_id = course["quiz"]["id"]
    _pass_quiz(client, headers, quiz_id)
    for lesson in course["lessons"][:1]:
        client.post(f"/api/v1/lessons/{lesson['id']}/complete", headers=headers)
    other = bearer(auth.token("organiser"))
    for lesson in course["lessons"]:
        client.post(f"/api/v1/lessons/{lesson['id']}/complete", headers=other)
    assert client.get("/api/v1/courses/demo-course", headers=other).get_json()["progress"] \
        == 67  # two lessons of three steps: the quiz is not passed
    _without_quiz(course_dir)
    assert load(course_dir).updated == ["demo-course"]
    course = client.get("/api/v1/courses/demo-course", headers=headers).get_json()
    assert course["quiz"] is None and course["progress"] == 50
    assert client.get("/api/v1/quizzes", headers=headers).get_json() == []
    assert client.get("/api/v1/courses/demo-course", headers=other).get_json()["progress"] \
        == 100
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id)
        assert quiz.course_id is None and not quiz.published
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        done = db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == users[
            "organiser"]))
        assert done.completed_at is not None and done.hours_credited == 2


def test_quiz_section_back_reattaches_the_same_quiz_with_its_passes(
        app, client, auth, users, load, course_dir):
    _with_quiz(course_dir)
    load(course_dir)
    headers = bearer(auth.token("worker"))
    quiz_id = client.get("/api/v1/courses/demo-course", headers=headers).get_json()["quiz"]["id"]
    _pass_quiz(client, headers, quiz_id)
    _without_quiz(course_dir)
    load(course_dir)
    _with_quiz(course_dir)
    load(course_dir)
    course = client.get("/api/v1/courses/demo-course", headers=headers).get_json()
    assert course["quiz"] == {"id": quiz_id}
    for lesson in course["lessons"]:
        client.post(f"/api/v1/lessons/{lesson['id']}/complete", headers=headers)
    assert client.get("/api/v1/courses/demo-course", headers=headers).get_json()["progress"] \
        == 100
