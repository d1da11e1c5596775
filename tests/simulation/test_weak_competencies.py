"""Practice's weak competencies also come from the worker's scenario runs (their five
competency scores, quizzes.competency_sources "scenario-runs"): a worker weak in mediation
in runs gets mediation-tagged questions in the daily draw right after the due reviews."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, bearer
from trainer.extensions import db
from trainer.quizzes.items import QuestionData
from trainer.quizzes.models import Attempt, Mistake


@pytest.fixture
def question(app, org):
    from trainer.quizzes import bank

    def make(stem: str, competencies=()) -> int:
        with app_ctx(app):
            made = bank.create_question(
                QuestionData("truefalse", stem, truth=True, competencies=list(competencies)),
                bank.ensure_bank("测试题库"), department_id=None)
            db.session.commit()
            return made.id

    return make


@pytest.fixture
def worker(client, auth, users, make_scenario):
    make_scenario()
    headers = bearer(auth.token("worker"))

    class Worker:
        id = users["worker"]

        def play(self, *keys, slug="noise") -> dict:
            run_id = client.post(f"/api/v1/scenarios/{slug}/runs",
                                 headers=headers).get_json()["run_id"]
            body = {}
            for key in keys:
                body = client.post(f"/api/v1/runs/{run_id}/choices", json={"choice": key},
                                   headers=headers).get_json()
            return body

        def practise(self, answer: bool) -> None:
            """One practice of every question (all true or false), each answered so."""
            auth.login("worker")
            url = auth.post("/practice", data={"topic": ""}, page="/practice").headers["Location"]
            attempt_id = int(url.rsplit("/", 1)[1])
            with app_ctx(client.application):
                qids = [e["id"] for e in db.session.get(Attempt, attempt_id).questions]
            for qid in qids:
                assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                                  json={"answer": answer}, headers=headers).status_code == 200
            assert client.post(f"/api/v1/attempts/{attempt_id}/submit",
                               headers=headers).status_code == 200

        def daily(self) -> list[int]:
            auth.login("worker")
            url = auth.post("/practice", data={"topic": "daily"},
                            page="/practice").headers["Location"]
            with app_ctx(client.application):
                attempt = db.session.get(Attempt, int(url.rsplit("/", 1)[1]))
                return [entry["id"] for entry in attempt.questions]

    return Worker()


def weak(app, user_id) -> list[str]:
    from trainer.quizzes.practice import weak_competencies

    with app_ctx(app):
        return weak_competencies(user_id)


def test_runs_scores_make_a_competency_weak(app, worker):
    assert weak(app, worker.id) == []
    # listen (communication +2, mediation +1), then report (mediation -1): the reference
    # path gives communication 2 and mediation 4, so communication 100 %, mediation 0 %
    last = worker.play("listen", "report")
    assert last["scores"] == {"communication": 100.0, "mediation": 0.0}
    assert weak(app, worker.id) == ["mediation"]
    # the run's best path: mediation 100 % in the latest run, the mean is 50 %: still weak
    worker.play("listen", "agree")
    assert weak(app, worker.id) == ["mediation"]
    for _ in range(3):
        worker.play("listen", "agree")
    assert weak(app, worker.id) == []  # four runs at 100 %, one at 0 %: 80 %, not below
    worker.play("scold")  # unfinished: counts for nothing
    assert weak(app, worker.id) == []


def test_quiz_answers_and_runs_count_for_half_each(app, worker, question):
    for n in range(4):
        question(f"调解要先听双方说{n}。", ["mediation"])
    worker.practise(True)  # four mediation answers, all right
    assert weak(app, worker.id) == []
    worker.play("listen", "report")  # one run at mediation 0 %: (100 % + 0 %) / 2
    assert weak(app, worker.id) == ["mediation"]


def test_daily_practice_draws_the_runs_weak_competency_after_due_reviews(app, worker,
                                                                          question):
    due = question("复核：先核实再上报。")
    worker.practise(False)
    with app_ctx(app):  # the review falls due (time moved, not waited for)
        for mistake in db.session.scalars(sa.select(Mistake)):
            mistake.due -= timedelta(days=3)
            mistake.last_wrong_at -= timedelta(days=3)
        db.session.commit()
    mediation = {question(f"调解题{n}", ["mediation"]) for n in range(3)}
    others = {question(f"沟通题{n}", ["communication"]) for n in range(12)}
    others |= {question(f"其他题{n}") for n in range(12)}
    worker.play("listen", "report")  # communication 100 %, mediation 0 %
    ids = worker.daily()
    assert len(ids) == 10 and len(set(ids)) == 10
    assert ids[0] == due
    assert set(ids[1:3]) <= mediation  # the weak competency's questions come next
    assert set(ids[3:]) <= others | mediation


@pytest.mark.parametrize("context", ["preview", "competition"])
def test_competition_runs_and_previews_do_not_count(app, worker, context):
    from trainer.simulation.models import Run

    worker.play("listen", "report")
    with app_ctx(app):
        run = db.session.scalar(sa.select(Run))
        run.context, run.round_id = context, (1 if context == "competition" else None)
        db.session.commit()
    assert weak(app, worker.id) == []
