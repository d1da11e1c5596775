import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.quizzes.demo import QUIZ_TITLE
from trainer.quizzes.models import Attempt, Mistake, Question, Quiz


def counts(app):
    """What this domain's seed makes (other domains' seeds add their own)."""
    from trainer.auth.models import User
    from trainer.quizzes.models import QuestionBank

    with app_ctx(app):
        worker = sa.select(User.id).where(User.username == "worker").scalar_subquery()
        stmts = (sa.select(Question).join(QuestionBank).where(QuestionBank.name == "示例题库"),
                 sa.select(Quiz).where(Quiz.title == QUIZ_TITLE),
                 sa.select(Attempt).where(Attempt.user_id == worker,
                                          Attempt.context == "practice"),
                 sa.select(Mistake).where(Mistake.user_id == worker))
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(s.subquery()))
                     for s in stmts)


def test_demo_seed_builds_a_quiz_and_practice_history_once(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    assert result.exit_code == 0, result.output
    questions, quizzes, attempts, mistakes = counts(app)
    assert questions == 12 and quizzes == 1 and attempts == 1 and mistakes == 4
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.title == QUIZ_TITLE))
        assert (quiz.mode, quiz.published, len(quiz.rules)) == ("draw", True, 2)
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.context == "practice"))
        assert attempt.percent == 50.0 and attempt.user.username == "worker"
    runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    assert counts(app) == (questions, quizzes, attempts, mistakes)


def test_demo_quiz_can_be_taken(app, fresh, runner, client, auth):
    runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    from tests.conftest import bearer

    token = client.post("/api/v1/tokens", json={"username": "w001",
                                                "password": "Demo-pass-2026"}).get_json()
    headers = bearer(token["token"])
    quiz_id = fresh.scalar(sa.select(Quiz.id).where(Quiz.title == QUIZ_TITLE))
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers).get_json()
    assert len(body["questions"]) == 10 and body["deadline"] is not None
