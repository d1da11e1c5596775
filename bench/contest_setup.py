"""The contest bench's database side (bench/contest.py): a contest for the demo workers
w0001…, its round's opening, and the checks afterwards. Usage:

    DATABASE_URL=... python bench/contest_setup.py prepare QUESTIONS OUT.json
    DATABASE_URL=... python bench/contest_setup.py open COMP_ID SECONDS OUT.json
    DATABASE_URL=... python bench/contest_setup.py verify COMP_ID OUT.json

``prepare`` expects the migrations and `flask demo seed --workers N` done (the bench runs
them as production would). The organiser's bearer token is issued directly: the bench
reads the full leaderboard with it, and the demo organiser has a second factor.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from competition_setup import SetupConfig, verify  # noqa: E402

from trainer import create_app  # noqa: E402
from trainer.extensions import db  # noqa: E402
from trainer.models import utcnow  # noqa: E402

TITLE = "压测晨赛"


def prepare(questions: int) -> dict:
    from trainer.auth.models import User
    from trainer.auth.services import issue_token
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition
    from trainer.quizzes import bank
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.items import Option, QuestionData
    from trainer.quizzes.models import Quiz

    organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
    store = bank.ensure_bank("压测晨赛题库")
    # Right option "对", wrong ones "错"/"否": the client answers by text, since options
    # are shuffled and re-keyed per entrant.
    ids = [bank.create_question(QuestionData("single", f"晨赛题{n}", options=[
        Option("A", "对", 1.0), Option("B", "错", 0.0), Option("C", "否", 0.0)]), store,
        department_id=None).id for n in range(questions)]
    quiz = Quiz(title="压测晨赛题", published=False, shuffle_questions=True,
                shuffle_options=True)
    db.session.add(quiz)
    db.session.flush()
    set_quiz_questions(quiz, ids)
    now = utcnow()
    far = now + timedelta(days=1)  # moved to the real opening by ``open``
    comp = create_competition(organiser, parse_competition({
        "title": TITLE, "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(), "team_by": "community",
        "rounds": [{"title": "笔试", "kind": "quiz", "quiz": quiz.id, "weight": 1,
                    "time_limit": 60, "opens_at": far.isoformat(),
                    "closes_at": (far + timedelta(hours=3)).isoformat()}]}))
    token = issue_token(organiser)[0]
    db.session.commit()
    return {"comp_id": comp.id, "organiser_token": token}


def open_round(comp_id: int, seconds: float) -> dict:
    """The round opens ``seconds`` from now and closes three hours later."""
    from trainer.competitions.models import Round

    opens = utcnow() + timedelta(seconds=seconds)
    db.session.execute(sa.update(Round).where(Round.competition_id == comp_id).values(
        opens_at=opens, closes_at=opens + timedelta(hours=3)))
    db.session.commit()
    return {"opens_at": opens.isoformat()}


def main() -> None:
    mode = sys.argv[1]
    app = create_app(SetupConfig)
    with app.app_context():
        if mode == "prepare":
            result = prepare(int(sys.argv[2]))
        elif mode == "open":
            result = open_round(int(sys.argv[2]), float(sys.argv[3]))
        else:
            result = verify(app, int(sys.argv[2]))
    Path(sys.argv[-1]).write_text(json.dumps(result, default=str), "utf-8")


if __name__ == "__main__":
    os.environ.setdefault("DATABASE_URL", "sqlite://")
    main()
