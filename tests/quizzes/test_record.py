"""An attempt left open past its deadline is graded before the training record and the
course pages show what it decides; graded quiz attempts are part of the record."""

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_module_quiz import course_dir, load, save_right_answers  # noqa: F401
from trainer.extensions import db
from trainer.quizzes.models import Attempt, Quiz


@pytest.fixture
def overdue(app, runner, course_dir, api, users, shift_deadline):  # noqa: F811
    """The worker finished the lesson and saved right answers, then left the module
    quiz open past its deadline; returns the caller and the course slug."""
    from trainer.learning.models import Course, Lesson

    load(runner, course_dir)
    caller = api("worker")
    with app.app_context():
        slug = db.session.scalar(sa.select(Course.slug))
        lesson_id = db.session.scalar(sa.select(Lesson.id))
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    caller.post(f"/api/v1/lessons/{lesson_id}/complete")
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    save_right_answers(caller, body)
    shift_deadline(body["attempt_id"], -600)
    return caller, slug


def graded(app) -> bool:
    with app_ctx(app):
        return db.session.scalar(sa.select(Attempt.submitted_at)) is not None


def test_the_record_api_grades_overdue_attempts_first(app, overdue):
    caller, slug = overdue
    record = caller.get("/api/v1/me/record").get_json()
    assert [course["slug"] for course in record["courses"]] == [slug]
    assert [(a["title"], a["passed"], a["timed_out"], a["percent"]) for a in
            record["attempts"]] == [("消防通道巡查", True, True, 100.0)]


def test_the_record_page_grades_overdue_attempts_first(app, client, auth, overdue):
    auth.login("worker")
    html = client.get("/me/record").get_data(as_text=True)
    assert graded(app) and "消防通道巡查" in html


def test_the_course_page_and_api_grade_overdue_attempts_first(app, client, auth, overdue):
    caller, slug = overdue
    assert caller.get(f"/api/v1/courses/{slug}").get_json()["progress"] == 100
    assert graded(app)


def test_the_course_page_grades_overdue_attempts_first(app, client, auth, overdue):
    _caller, slug = overdue
    auth.login("worker")
    assert client.get(f"/courses/{slug}").status_code == 200
    assert graded(app)


def test_the_catalogue_api_grades_overdue_attempts_first(app, overdue):
    """The worker's catalogue asks "anything pending?" in the statement that reads the
    page (issue 19) rather than in a hook of its own: still graded before it answers."""
    caller, slug = overdue
    items = caller.get("/api/v1/courses").get_json()
    assert graded(app)
    assert [(c["slug"], c["progress"]) for c in items] == [(slug, 100)]
