"""Demo competitions (`flask demo seed`): a published district knowledge contest with
results, honours and certificates; an open contest of the first street (S01) with a quiz
round and a scenario round the demo worker may enter; and one they may not, yet.

Quizzes and scenarios may not be loaded (a bare test database): the parts that need them
are skipped with a printed note. Idempotent: contests are found by title.
"""

import random
from datetime import timedelta

import click
import sqlalchemy as sa

from trainer.competitions import judging, publishing, rounds, services
from trainer.competitions.kinds.quiz import on_attempt_graded
from trainer.competitions.models import Competition, Entry, RoundResult
from trainer.competitions.spec import parse_competition
from trainer.competitions.standings import scoring
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes import services as quizzes
from trainer.quizzes.authoring import QuizSettings, RuleSpec, save_quiz
from trainer.quizzes.grading import correct_answer
from trainer.quizzes.items import from_dict
from trainer.quizzes.models import Attempt, Question, Quiz
from trainer.simulation.models import Scenario

DISTRICT = "2026年网格员业务知识竞赛（区级）"
STREET_OPEN = "秀江街道服务技能竞赛"
STREET_LOCKED = "秀江街道岗位大练兵（进阶组）"
QUIZ_TITLE = "竞赛专用题（抽题）"


def seed(users) -> None:
    """Add the three demo contests (users[0..3]: admin, organiser, trainer, worker)."""
    if len(users) < 4:
        return
    organiser, trainer, worker = users[1], users[2], users[3]
    quiz = _contest_quiz(organiser)
    scenario = _scenario()
    if quiz is None:
        click.echo("competitions demo: no quiz questions loaded; contests get no quiz round")
    if scenario is None:
        click.echo("competitions demo: no scenarios loaded (`flask content load`); "
                   "contests get no scenario round")
    if not _exists(DISTRICT):
        _district_contest(organiser, trainer, users, quiz)
    if not _exists(STREET_OPEN):
        _street_contest(organiser, quiz, scenario, STREET_OPEN, [])
    if not _exists(STREET_LOCKED):
        rules = [{"rule": "practice", "questions": 200, "days": 30}]
        _street_contest(organiser, quiz, scenario, STREET_LOCKED, rules)
    click.echo(f"competitions demo: ready (worker {worker.username} may enter "
               f"“{STREET_OPEN}”, not yet “{STREET_LOCKED}”)")


def _exists(title: str) -> bool:
    return db.session.scalar(sa.select(Competition.id).where(Competition.title == title)) \
        is not None


def _contest_quiz(organiser):
    """An unpublished quiz drawing 8 questions from the bank (workers never see it
    outside a round); None when the bank has too few questions."""

    found = db.session.scalar(sa.select(Quiz).where(Quiz.title == QUIZ_TITLE))
    if found is not None:
        return found
    active = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(
        Question.status == "active", Question.street_id.is_(None))) or 0
    if active < 4:
        return None
    settings = QuizSettings(title=QUIZ_TITLE, mode="draw", rules=[RuleSpec(count=min(8, active))],
                            time_limit=15, review="never", published=False,
                            description="区、街道竞赛的知识笔试轮使用，不对学员单独开放。")
    return save_quiz(organiser, settings)


def _scenario():
    return db.session.scalar(sa.select(Scenario).where(
        Scenario.status == "published", Scenario.current_version_id.is_not(None),
        Scenario.street_id.is_(None)).order_by(Scenario.slug).limit(1))


def _times(days_from: float, days_to: float) -> tuple[str, str]:
    now = utcnow()
    return ((now + timedelta(days=days_from)).isoformat(),
            (now + timedelta(days=days_to)).isoformat())


def _street_contest(organiser, quiz, scenario, title: str, rules: list[dict]) -> Competition:
    starts, ends = _times(-1, 7)
    body = {"title": title, "kind": "skill", "street": "S01", "starts_at": starts,
            "ends_at": ends, "freeze_at": _times(6, 6)[0], "team_by": "community",
            "description": "面向秀江街道网格员：知识笔试加情景模拟，成绩实时排名，最后一天封榜。",
            "eligibility": rules, "honours": [{"title": "业务能手", "top": 3}], "rounds": []}
    if quiz is not None:
        body["rounds"].append({"title": "知识笔试", "kind": "quiz", "quiz": quiz.id,
                               "weight": 60, "time_limit": 15})
    if scenario is not None:
        body["rounds"].append({"title": "情景模拟：" + scenario.title[:60], "kind": "scenario",
                               "scenario": scenario.slug, "weight": 40})
    if not body["rounds"]:
        body["rounds"].append(_judged_round(100))
    return services.create_competition(organiser, parse_competition(body))


def _judged_round(weight: int) -> dict:
    return {"title": "现场调解实操", "kind": "judged", "weight": weight,
            "criteria": [{"name": "沟通表达", "max": 10}, {"name": "方案合理", "max": 10},
                         {"name": "程序规范", "max": 10}], "judges": ["trainer"]}


def _district_contest(organiser, trainer, users, quiz) -> None:
    """Run a district contest today with real entries, attempts and judges' sheets, move
    it ten days into the past, and publish it."""
    starts, ends = _times(-0.1, 0.1)
    rounds_body = [_judged_round(40)]
    if quiz is not None:
        rounds_body.insert(0, {"title": "知识笔试", "kind": "quiz", "quiz": quiz.id,
                               "weight": 60, "time_limit": 15})
    comp = services.create_competition(organiser, parse_competition({
        "title": DISTRICT, "kind": "knowledge", "street": None, "starts_at": starts,
        "ends_at": ends, "team_by": "community", "team_size": 3,
        "description": "全区网格员业务知识竞赛：知识笔试与现场调解实操。",
        "honours": [{"title": "业务能手", "top": 3}, {"title": "优秀团队", "top": 1,
                                                   "team": True}],
        "rounds": rounds_body}))
    workers = [u for u in users if u.role == "worker"][:16]
    rng = random.Random(2026)
    for index, user in enumerate(workers):
        skill = 0.95 if index == 0 else rng.uniform(0.35, 0.95)  # the demo worker does well
        services.enter(user, comp)
        if quiz is not None:
            _play_quiz(user, comp, skill, rng)
        entry = judging.entry_by_username(comp, user.username)
        points = {c["name"]: round(min(10, max(2, skill * 10 + rng.uniform(-1.5, 1.5))))
                  for c in comp.rounds[-1].criteria}
        judging.score_entry(trainer, comp.rounds[-1], entry, points)
    _move_to_past(comp, timedelta(days=10), rng)
    publishing.publish(organiser, comp)


def _play_quiz(user, comp, skill: float, rng: random.Random) -> None:
    attempt, _new = rounds.start_round(user, comp, comp.rounds[0], f"10.8.0.{rng.randint(2, 250)}")
    for entry in attempt.questions:
        if rng.random() < skill:
            answer = correct_answer(from_dict(entry["data"]))
        else:
            options = [o["key"] for o in entry["data"].get("options", [])]
            answer = rng.choice(options) if options else None
        if answer is not None:
            quizzes.save_answer(attempt, entry["id"], answer)
    quizzes.submit_attempt(attempt, reveal=False)


def _move_to_past(comp: Competition, delta: timedelta, rng: random.Random) -> None:
    """Shift the contest, its rounds and what entrants did by ``delta`` into the past
    (demo data only; each attempt gets a plausible 4–14 minutes), then recompute the
    stored standings."""
    comp.starts_at, comp.ends_at = comp.starts_at - delta, comp.ends_at - delta
    for rnd in comp.rounds:
        rnd.opens_at, rnd.closes_at = rnd.opens_at - delta, rnd.closes_at - delta
    results = list(db.session.scalars(sa.select(RoundResult).join(Entry).where(
        Entry.competition_id == comp.id)))
    for result in results:
        result.started_at -= delta + timedelta(seconds=rng.randint(240, 840))
        if result.finished_at is not None:
            result.finished_at -= delta
        if result.attempt_id:
            attempt = db.session.get(Attempt, result.attempt_id)
            attempt.started_at = result.started_at
            attempt.submitted_at = attempt.submitted_at and attempt.submitted_at - delta
            attempt.deadline = attempt.deadline and attempt.deadline - delta
    for entry in db.session.scalars(sa.select(Entry).where(Entry.competition_id == comp.id)):
        entry.entered_at -= delta
    db.session.flush()
    scoring.refresh_competition(comp)
    for result in results:  # time used follows the attempts' new start times
        if result.attempt_id:
            on_attempt_graded(db.session.get(Attempt, result.attempt_id))
