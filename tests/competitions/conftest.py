"""Factories for the competitions domain: quizzes, scenarios, competitions, entrants."""

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.models import utcnow

SCENARIO = (Path(__file__).parent / "fixtures" / "contest.yml").read_text(encoding="utf-8")
BEST_PATH = ["listen", "agree"]  # success, communication 100%, mediation 100%


def iso(delta: timedelta) -> str:
    return (utcnow() + delta).isoformat()


@pytest.fixture
def make_quiz(app, org):
    """A fixed quiz of ``n`` single-choice questions whose right answer is option A
    (options not shuffled); returns (quiz id, [question ids])."""
    from trainer.quizzes import bank
    from trainer.quizzes.authoring import set_quiz_questions
    from trainer.quizzes.items import Option, QuestionData
    from trainer.quizzes.models import Quiz

    def make(n=4, *, title="竞赛题", published=False, street=None):
        with app_ctx(app):
            from trainer.org.services import unit_by_code

            store = bank.ensure_bank("竞赛题库")
            ids = []
            for i in range(n):
                data = QuestionData("single", f"第{i + 1}题：网格员职责{i}？", options=[
                    Option("A", "正确", 1.0), Option("B", "错误一", 0.0),
                    Option("C", "错误二", 0.0)], title=f"题{i + 1}")
                ids.append(bank.create_question(data, store, department_id=None).id)
            quiz = Quiz(title=title, published=published, shuffle_questions=False,
                        shuffle_options=False,
                        street_id=unit_by_code(street).id if street else None)
            db.session.add(quiz)
            db.session.flush()
            set_quiz_questions(quiz, ids)
            db.session.commit()
            return quiz.id, ids

    return make


@pytest.fixture
def make_scenario(app, org):
    from trainer.simulation.loader import upsert_scenario
    from trainer.simulation.models import Scenario
    from trainer.simulation.validate import parse_yaml

    def make(slug="contest"):
        with app_ctx(app):
            codes = {"civil-affairs"}
            graph, problems = parse_yaml(SCENARIO, f"{slug}.yml", slug, codes)
            assert problems == []
            upsert_scenario(graph)
            scenario = db.session.scalar(sa.select(Scenario).where(Scenario.slug == slug))
            scenario.status = "published"
            db.session.commit()
            return slug

    return make


def body(**overrides) -> dict:
    """A competition body (DESIGN.md) running now, with a judged round by default."""
    data = {"title": "业务知识竞赛", "kind": "knowledge", "street": None,
            "starts_at": iso(-timedelta(hours=1)), "ends_at": iso(timedelta(hours=5)),
            "freeze_at": None, "team_by": "community", "team_size": 3,
            "eligibility": [], "honours": [{"title": "业务能手", "top": 2}],
            "rounds": [{"title": "现场调解", "kind": "judged", "weight": 100,
                        "criteria": [{"name": "沟通", "max": 10}, {"name": "方案", "max": 10}],
                        "judges": ["trainer"]}]}
    data.update(overrides)
    return data


@pytest.fixture
def create(app, users):
    """Create a competition through the service as the organiser; returns its id."""
    from trainer.auth.models import User
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition

    def make(**overrides):
        with app_ctx(app):
            actor = db.session.scalar(sa.select(User).where(User.username == "organiser"))
            comp = create_competition(actor, parse_competition(body(**overrides)))
            db.session.commit()
            return comp.id

    return make


@pytest.fixture
def workers(make_user):
    """Extra workers: w1, w2 in S1-C1-G1 and S1-C1-G2; w3 in S2 (another street)."""
    return SimpleNamespace(w1=make_user("w1", name="张一"), w2=make_user("w2", unit="S1-C1-G2",
                                                                        name="李二"),
                           w3=make_user("w3", unit="S2-C1-G1", name="王三"))


@pytest.fixture
def as_user(app):
    """Run ``fn(user)`` in an app context as the named user; commits; returns the result."""
    from trainer.auth.models import User

    def run(username, fn):
        with app_ctx(app):
            user = db.session.scalar(sa.select(User).where(User.username == username))
            result = fn(user)
            db.session.commit()
            return result

    return run


def option_key(app, question_id: int, text: str = "正确", attempt_id: int | None = None) -> str:
    """The key an attempt gives the option with this text (competition attempts shuffle
    every entrant's options, so "A" is not always the right one)."""
    from trainer.quizzes.models import Attempt

    with app_ctx(app):
        stmt = sa.select(Attempt).order_by(Attempt.id.desc())
        if attempt_id is not None:
            stmt = stmt.where(Attempt.id == attempt_id)
        attempt = db.session.scalars(stmt).first()
        entry = next(e for e in attempt.questions if e["id"] == question_id)
        return next(o["key"] for o in entry["data"]["options"] if o["text"] == text)


def shift_round(app, comp_id: int, n: int, *, opens: timedelta | None = None,
                closes: timedelta | None = None) -> None:
    """Move a round's window relative to now (to open or close it in a test)."""
    from trainer.competitions.models import Round

    with app_ctx(app):
        rnd = db.session.scalar(sa.select(Round).where(Round.competition_id == comp_id,
                                                       Round.n == n))
        if opens is not None:
            rnd.opens_at = utcnow() + opens
        if closes is not None:
            rnd.closes_at = utcnow() + closes
        db.session.commit()
