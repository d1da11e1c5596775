"""Prepare a scratch database for bench/quiz_burst.py and write what the bench needs.

The schema comes from the migrations (as `flask db upgrade` builds it), then one grid, N worker
accounts with bearer tokens (issued directly: the bench measures quizzes, not password
hashing), and a 20-question quiz of every type. Usage:

    DATABASE_URL=... python bench/quiz_burst_setup.py WORKERS OUT.json
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from config import Config  # noqa: E402
from trainer import create_app  # noqa: E402
from trainer.extensions import db  # noqa: E402

QUESTIONS = 20


class SetupConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    SECRET_KEY = "setup-only-" + "x" * 32
    REDIS_URL = None


def questions():
    """20 questions: 4 of each type, with their right answers in API form."""
    from trainer.quizzes.items import NumericAnswer, Option, QuestionData

    made = []
    for n in range(QUESTIONS // 5):
        made += [
            QuestionData("single", f"单选题{n}", options=[
                Option("A", "甲", 1.0), Option("B", "乙", 0.0), Option("C", "丙", 0.0)]),
            QuestionData("multiple", f"多选题{n}", options=[
                Option("A", "甲", 0.5), Option("B", "乙", 0.5), Option("C", "丙", 0.0)]),
            QuestionData("truefalse", f"判断题{n}", truth=True),
            QuestionData("short", f"填空题{n}", accepted=["网格"]),
            QuestionData("numerical", f"数值题{n}", numeric=[NumericAnswer(110, 0)]),
        ]
    return made


def seed(workers: int) -> dict:
    from trainer.auth.models import User
    from trainer.auth.services import hash_password, issue_token
    from trainer.org import services as org
    from trainer.quizzes import bank
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.models import Quiz

    org.ensure_departments()
    district = org.create_unit("BD", "压测区", "district", None)
    street = org.create_unit("BS", "压测街道", "street", district)
    community = org.create_unit("BC", "压测社区", "community", street)
    grid = org.create_unit("BG", "压测网格", "grid", community)
    shared_hash = hash_password("Bench-pass-2026")  # never checked: tokens are issued
    tokens = []
    for n in range(workers):
        user = User(username=f"b{n:04d}", name=f"压测{n}", role="worker", unit=grid,
                    password_hash=shared_hash)
        db.session.add(user)
        db.session.flush()
        tokens.append(issue_token(user)[0])
    target = bank.ensure_bank("压测题库")
    ids = [bank.create_question(q, target, department_id=None).id for q in questions()]
    quiz = Quiz(title="压测测验", published=True, time_limit=60, review="after_submit",
                shuffle_questions=True, shuffle_options=True)
    db.session.add(quiz)
    db.session.flush()
    set_quiz_questions(quiz, ids)
    db.session.commit()
    return {"quiz_id": quiz.id, "tokens": tokens}


def main() -> None:
    workers, out = int(sys.argv[1]), Path(sys.argv[2])
    app = create_app(SetupConfig)
    with app.app_context():
        upgrade()  # the migrations, exactly as production builds it
        out.write_text(json.dumps(seed(workers)), "utf-8")


if __name__ == "__main__":
    main()
