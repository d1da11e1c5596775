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


@pytest.fixture
def make_question(app, org):
    """A true/false question whose explanation holds ``word``; returns its id."""
    from trainer.org.services import department_by_code, unit_by_code
    from trainer.quizzes import bank
    from trainer.quizzes.items import QuestionData

    def make(word="讨薪渠道", *, department="public-security", street=None):
        with app.app_context():
            data = QuestionData("truefalse", "居民被拖欠工资，网格员可以替他去讨要吗？",
                                truth=False, explanation=f"不可以。应告知{word}：劳动保障监察。")
            dept = department_by_code(department) if department else None
            question = bank.create_question(data, bank.ensure_bank("搜索测试"),
                                            department_id=dept.id if dept else None)
            question.street_id = unit_by_code(street).id if street else None
            db.session.commit()
            return question.id

    return make


@pytest.fixture
def make_quiz(app, org):
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.models import Quiz

    def make(question_ids, **settings):
        with app.app_context():
            quiz = Quiz(title="搜索测验", shuffle_questions=False, shuffle_options=False,
                        **{"published": True, **settings})
            db.session.add(quiz)
            db.session.flush()
            set_quiz_questions(quiz, list(question_ids))
            db.session.commit()
            return quiz.id

    return make


@pytest.fixture
def take(client, token_of):
    """The worker starts (and unless ``submit`` is False, submits) an attempt at a quiz;
    returns the attempt id."""
    from tests.conftest import bearer

    def run(quiz_id, username="worker", submit=True):
        headers = bearer(token_of(username))
        resp = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers)
        assert resp.status_code == 201, resp.get_json()
        attempt_id = resp.get_json()["attempt_id"]
        if submit:
            assert client.post(f"/api/v1/attempts/{attempt_id}/submit",
                               headers=headers).status_code == 200
        return attempt_id

    return run
