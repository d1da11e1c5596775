"""Factories for the quizzes domain: questions, quizzes, attempts."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.quizzes.items import NumericAnswer, Option, QuestionData

# Answer keys, reused by tests that answer right or wrong.
SAMPLE = [
    QuestionData("single", "网格员**首要**职责是什么？", explanation="解析：信息采集是基础。",
                 options=[Option("A", "信息采集", 1.0, "对"), Option("B", "执法处罚", 0.0),
                          Option("C", "收取费用", 0.0)], competencies=["information"],
                 tags=["入户走访"], difficulty=2),
    QuestionData("multiple", "哪些属于日常工作？",
                 options=[Option("A", "走访入户", 0.5), Option("B", "上报事件", 0.5),
                          Option("C", "代缴罚款", 0.0)], partial=False,
                 competencies=["coordination"]),
    QuestionData("truefalse", "网格员可以代替居民签字。", truth=False,
                 explanation="居民本人签字才有效。", competencies=["mediation"]),
    QuestionData("short", "报警电话是多少？", accepted=["110", "一一零"],
                 competencies=["communication"]),
    QuestionData("numerical", "π保留两位小数是多少？", numeric=[NumericAnswer(3.14, 0.01)],
                 points=2.0),
]

RIGHT = ["A", ["A", "B"], False, "110", 3.14]  # in SAMPLE order, options not shuffled
WRONG = ["B", ["A"], True, "119", 9]


@pytest.fixture
def make_question(app, org):
    from trainer.org.services import department_by_code
    from trainer.quizzes import bank

    def make(data: QuestionData | None = None, *, department="public-security",
             bank_name="测试题库", street=None, status="active"):
        with app_ctx(app):
            from trainer.org.services import unit_by_code

            dept = department_by_code(department) if department else None
            question = bank.create_question(data or SAMPLE[0], bank.ensure_bank(bank_name),
                                            department_id=dept.id if dept else None)
            question.street_id = unit_by_code(street).id if street else None
            question.status = status
            db.session.commit()
            return question.id

    return make


@pytest.fixture
def sample_questions(make_question):
    """The five SAMPLE questions (one per type); their ids in SAMPLE order."""
    return [make_question(data) for data in SAMPLE]


@pytest.fixture
def make_quiz(app, org):
    from trainer.org.services import unit_by_code
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.models import Quiz

    def make(question_ids, *, title="综合测验", street=None, published=True,
             shuffle=False, **settings):
        with app_ctx(app):
            quiz = Quiz(title=title, published=published, shuffle_questions=shuffle,
                        shuffle_options=shuffle,
                        street_id=unit_by_code(street).id if street else None, **settings)
            db.session.add(quiz)
            db.session.flush()
            set_quiz_questions(quiz, list(question_ids))
            db.session.commit()
            return quiz.id

    return make


@pytest.fixture
def quiz_id(make_quiz, sample_questions):
    """A published district quiz of the five sample questions, in order, no shuffling."""
    return make_quiz(sample_questions)


@pytest.fixture
def shift_deadline(app):
    """Move an attempt's deadline to ``seconds`` from now (negative: in the past)."""
    from trainer.models import utcnow
    from trainer.quizzes.models import Attempt

    def shift(attempt_id: int, seconds: float):
        with app_ctx(app):
            db.session.execute(sa.update(Attempt).where(Attempt.id == attempt_id).values(
                deadline=utcnow() + timedelta(seconds=seconds)))
            db.session.commit()

    return shift


@pytest.fixture
def api(client, auth, users):
    """Bearer-token JSON calls as a given user: api("worker").post(path, json=...)."""
    from tests.conftest import bearer

    class Caller:
        def __init__(self, username):
            self.headers = bearer(auth.token(username))

        def get(self, path, **kw):
            return client.get(path, headers=self.headers, **kw)

        def post(self, path, **kw):
            return client.post(path, headers=self.headers, **kw)

        def put(self, path, **kw):
            return client.put(path, headers=self.headers, **kw)

    return Caller
