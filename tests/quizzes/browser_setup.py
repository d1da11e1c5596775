"""Build a scratch database for the quiz browser test (create_all: the quizzes tables
have no migration yet) with a worker and a timed three-question quiz; prints its id.

    DATABASE_URL=... python -m tests.quizzes.browser_setup PASSWORD
"""

import os
import sys

from config import Config
from trainer import create_app
from trainer.extensions import db


class SetupConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    ARGON2_TIME_COST, ARGON2_MEMORY_COST = 1, 1024  # only for this scratch account


def main(password: str) -> None:
    from trainer.auth.services import create_user
    from trainer.org import services as org
    from trainer.quizzes import bank
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.items import Option, QuestionData
    from trainer.quizzes.models import Quiz

    app = create_app(SetupConfig)
    with app.app_context():
        db.create_all()
        org.ensure_departments()
        street = org.create_unit("S", "街道", "street", org.create_unit("D", "区", "district",
                                                                       None))
        grid = org.create_unit("G", "网格", "grid", org.create_unit("C", "社区", "community",
                                                                   street))
        create_user("worker", "王晓明", "worker", password, unit=grid)
        target = bank.ensure_bank("浏览器")
        ids = [bank.create_question(q, target, department_id=None).id for q in (
            QuestionData("single", "火警电话是多少？", explanation="火警请拨打119。", options=[
                Option("A", "110", 0.0), Option("B", "119", 1.0), Option("C", "120", 0.0)]),
            QuestionData("short", "网格员的工作证要在什么时候出示？", accepted=["入户走访"]),
            QuestionData("truefalse", "楼道可以停放电动车。", truth=False))]
        quiz = Quiz(title="浏览器测验", published=True, time_limit=10,
                    shuffle_questions=False, shuffle_options=False)
        db.session.add(quiz)
        db.session.flush()
        set_quiz_questions(quiz, ids)
        db.session.commit()
        print(quiz.id)


if __name__ == "__main__":
    main(sys.argv[1])
