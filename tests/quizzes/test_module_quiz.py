"""Module quizzes: created from a course.yml `quiz:` section by the course loader,
idempotently; passing one completes the module."""

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.quizzes.models import Attempt, Question, Quiz

COURSE_YML = """version: 1
title: 消防通道巡查
department: fire
summary: 测试课程。
competencies: [communication]
hours: 2
lessons: [01-a.md]
quiz:
  questions: questions.gift
  pick: 2
  time_limit: 10
  pass_percent: 50
  attempts: 2
"""
GIFT = """// [tag:difficulty:2]
::q1::楼道可以堆放电动车吗？{F####电动车不能进楼道。}

::q2::火警电话是多少？{=119}

::q3::发现堵塞通道应该？{=劝导并上报 ~视而不见}
"""


@pytest.fixture
def course_dir(tmp_path):
    folder = tmp_path / "courses" / "fire-demo"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(COURSE_YML, "utf-8")
    (folder / "01-a.md").write_text("# 第一课\n\n保持通道畅通。\n", "utf-8")
    (folder / "questions.gift").write_text(GIFT, "utf-8")
    return folder


def load(runner, course_dir):
    return runner.invoke(args=["content", "load", "--courses", str(course_dir.parent),
                               "--scenarios", str(course_dir.parent / "none")])


def snapshot_db(app):
    with app_ctx(app):
        quiz = db.session.scalar(sa.select(Quiz))
        questions = db.session.execute(sa.select(
            Question.id, Question.version, Question.status, Question.content_hash,
            Question.updated_at).order_by(Question.id)).all()
        return (quiz.id, quiz.updated_at, quiz.pick, quiz.time_limit, quiz.pass_percent,
                quiz.max_attempts, [i.question_id for i in quiz.items]), questions


def save_right_answers(caller, body) -> None:
    """Autosave the right answer to every question of the GIFT module quiz above."""
    for question in body["questions"]:
        answer = {"truefalse": False, "short": "119"}.get(question["type"])
        if question["type"] == "single":
            answer = next(o["key"] for o in question["options"] if o["html"] == "劝导并上报")
        caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{question['id']}",
                   json={"answer": answer})

def test_content_load_creates_the_module_quiz_from_course_yml(app, runner, course_dir):
    result = load(runner, course_dir)
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        assert (quiz.title, quiz.pick, quiz.time_limit, quiz.pass_percent, quiz.max_attempts) \
            == ("消防通道巡查", 2, 10, 50, 2), result.output
        assert quiz.course.slug == "fire-demo" and quiz.published
        assert [i.question.source_key for i in quiz.items] == ["q1", "q2", "q3"]
        assert quiz.items[0].question.department.code == "fire"
        assert quiz.items[0].question.competencies == ["communication"]


def test_loading_the_same_course_again_changes_nothing(app, runner, course_dir):
    load(runner, course_dir)
    before = snapshot_db(app)
    (course_dir / "01-a.md").write_text("# 第一课\n\n改了课文，题目没改。\n", "utf-8")
    load(runner, course_dir)
    assert snapshot_db(app) == before


def test_edited_question_keeps_its_id_and_old_attempts_keep_their_grade(
        app, fresh, runner, course_dir, api, users):
    load(runner, course_dir)
    caller = api("worker")
    quiz_id = fresh.scalar(sa.select(Quiz.id))
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    save_right_answers(caller, body)
    graded = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert graded["percent"] == 100.0
    ids_before = snapshot_db(app)[0][-1]
    (course_dir / "questions.gift").write_text(
        GIFT.replace("{=119}", "{=120}").replace("{F####", "{T####"), "utf-8")
    load(runner, course_dir)
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id)
        assert [i.question_id for i in quiz.items] == ids_before
        assert sorted(i.question.version for i in quiz.items) == [1, 2, 2]
    again = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert again == graded


def test_question_removed_from_the_file_retires(app, runner, course_dir):
    load(runner, course_dir)
    (course_dir / "questions.gift").write_text(GIFT.split("\n\n::q3::")[0] + "\n", "utf-8")
    (course_dir / "course.yml").write_text(COURSE_YML, "utf-8")
    load(runner, course_dir)
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Question.source_key, Question.status)).all())
        quiz = db.session.scalar(sa.select(Quiz))
        assert statuses == {"q1": "active", "q2": "active", "q3": "retired"}
        assert len(quiz.items) == 2


@pytest.mark.usefixtures("db_ctx")
def test_module_quiz_queries_and_upsert_refusals(app, org):
    from trainer.errors import Invalid
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code
    from trainer.quizzes.items import QuestionData
    from trainer.quizzes.queries import has_passed, module_quiz_for
    from trainer.quizzes.services import upsert_module_quiz

    course = Course(slug="c", title="课", department=department_by_code("fire"),
                    status="published")
    db.session.add(course)
    db.session.flush()
    assert module_quiz_for(course.id) is None
    with pytest.raises(Invalid):
        upsert_module_quiz(course, {}, [], "courses/c")
    with pytest.raises(Invalid):
        upsert_module_quiz(course, {"pick": 3},
                           [QuestionData("truefalse", "对吗", truth=True)], "courses/c")
    quiz = upsert_module_quiz(course, {}, [QuestionData("truefalse", "对吗", truth=True)],
                              "courses/c")
    assert module_quiz_for(course.id) is quiz and quiz.pick is None
    assert quiz.max_attempts is None and quiz.pass_percent == 60
    assert not has_passed(1, quiz.id)


def test_passing_the_module_quiz_completes_the_course(app, fresh, runner, course_dir, api, users):
    from trainer.learning.models import Course, Enrollment, Lesson

    load(runner, course_dir)
    caller = api("worker")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        lesson_id = db.session.scalar(sa.select(Lesson.id))
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    assert caller.post(f"/api/v1/lessons/{lesson_id}/complete").status_code == 200
    assert fresh.scalar(sa.select(Enrollment.completed_at)) is None
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    save_right_answers(caller, body)
    assert caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()["passed"]
    with app.app_context():
        enrollment = db.session.scalar(sa.select(Enrollment))
        assert enrollment.completed_at is not None
        assert enrollment.hours_credited == 2
        assert db.session.scalar(sa.select(Attempt.context)) == "module"
    listed = caller.get("/api/v1/quizzes").get_json()
    assert listed == [{"id": quiz_id, "title": "消防通道巡查", "course": course.slug}]
