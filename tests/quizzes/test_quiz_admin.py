"""Quizzes set up in the browser: fixed list or draw by rules, settings, street scope,
results; and street tenancy for workers."""

import re
from collections import Counter

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.conftest import SAMPLE
from trainer.extensions import db
from trainer.quizzes.items import Option, QuestionData
from trainer.quizzes.models import Question, Quiz

BASE = {"title": "七月知识测验", "mode": "fixed", "pass_percent": "60", "review": "after_submit",
        "shuffle_questions": "y", "shuffle_options": "y", "published": "y", "street": ""}


def only_quiz(app) -> Quiz:
    with app_ctx(app):
        quiz = db.session.scalar(sa.select(Quiz).order_by(Quiz.id.desc()))
        db.session.expunge(quiz)
        return quiz


def test_trainer_creates_a_fixed_quiz_that_workers_can_take(app, client, auth, api,
                                                           sample_questions):
    auth.login("trainer")
    ids = ", ".join(map(str, sample_questions[:3]))
    resp = auth.post("/quizzes/new", data={**BASE, "question_ids": ids, "time_limit": "20",
                                           "max_attempts": "2", "pick": "2"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    quiz = only_quiz(app)
    assert (quiz.time_limit, quiz.max_attempts, quiz.pick, quiz.street_id) == (20, 2, 2, None)
    body = api("worker").post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
    assert len(body["questions"]) == 2
    assert {q["id"] for q in body["questions"]} <= set(sample_questions[:3])


def test_draw_by_rules_draws_per_department_and_difficulty(app, client, auth, api,
                                                          make_question):
    hard = [make_question(QuestionData("truefalse", f"公安难题{n}", truth=True, difficulty=4))
            for n in range(7)]
    for n in range(4):
        make_question(QuestionData("truefalse", f"公安易题{n}", truth=True, difficulty=1))
    fire = [make_question(QuestionData("truefalse", f"消防题{n}", truth=True),
                          department="fire") for n in range(6)]
    with app.app_context():
        from trainer.org.services import department_by_code

        ps, fi = department_by_code("public-security").id, department_by_code("fire").id
    auth.login("trainer")
    resp = auth.post("/quizzes/new", data={
        **BASE, "mode": "draw", "rules-0-count": "5", "rules-0-department": str(ps),
        "rules-0-min_difficulty": "3", "rules-0-max_difficulty": "5",
        "rules-1-count": "5", "rules-1-department": str(fi),
        "rules-1-min_difficulty": "1", "rules-1-max_difficulty": "5"})
    assert resp.status_code == 302
    quiz = only_quiz(app)
    body = api("worker").post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
    drawn = [q["id"] for q in body["questions"]]
    assert len(drawn) == 10 and len(set(drawn)) == 10
    assert Counter("hard" if q in hard else "fire" if q in fire else "other" for q in drawn) \
        == {"hard": 5, "fire": 5}
    client.set_cookie("lang", "en")
    edit = client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True)
    assert re.findall(r"(\d+) questions available", edit) == ["7", "6"]


def test_bad_settings_are_refused_with_the_reason(app, fresh, client, auth, users,
                                                  sample_questions):
    auth.login("trainer")
    client.set_cookie("lang", "en")
    cases = [({"question_ids": "99999"}, "Unknown or retired questions: 99999"),
             ({"question_ids": str(sample_questions[0]), "review": "after_close"},
              "needs a closing time"),
             ({"question_ids": str(sample_questions[0]), "pick": "3"}, "Cannot draw 3 of 1"),
             ({"mode": "draw"}, "Add at least one draw rule")]
    for fields, message in cases:
        resp = auth.post("/quizzes/new", data={**BASE, **fields})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), message
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0


def test_editing_a_quiz_changes_its_settings(app, client, auth, users, sample_questions):
    auth.login("trainer")
    auth.post("/quizzes/new", data={**BASE, "question_ids": str(sample_questions[0])})
    quiz = only_quiz(app)
    form = client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True)
    assert f'value="{sample_questions[0]}"' in form and "七月知识测验" in form
    ids = f"{sample_questions[1]}，{sample_questions[0]}"
    resp = auth.post(f"/quizzes/{quiz.id}/edit", data={**BASE, "question_ids": ids,
                                                       "pass_percent": "80"})
    assert resp.status_code == 302
    with app.app_context():
        quiz = db.session.get(Quiz, quiz.id)
        assert quiz.pass_percent == 80
        assert [i.question_id for i in quiz.items] == [sample_questions[1], sample_questions[0]]


def test_street_organiser_makes_street_quizzes_other_streets_never_see(
        app, client, auth, api, make_user, sample_questions):
    make_user("org_s1", role="organiser", unit="S1")
    make_user("worker_s2", unit="S2-C1-G1")
    auth.login("org_s1")
    auth.post("/quizzes/new", data={**BASE, "question_ids": str(sample_questions[0]),
                                    "street": ""})
    quiz = only_quiz(app)
    with app.app_context():
        from trainer.org.services import unit_by_code

        assert quiz.street_id == unit_by_code("S1").id
    assert quiz.id in [q["id"] for q in api("worker").get("/api/v1/quizzes").get_json()]
    outsider = api("worker_s2")
    assert outsider.get("/api/v1/quizzes").get_json() == []
    assert outsider.post(f"/api/v1/quizzes/{quiz.id}/attempts").status_code == 404
    auth.logout()
    auth.login("worker_s2")
    assert client.get(f"/quizzes/{quiz.id}").status_code == 404


def test_results_list_only_people_in_the_callers_scope(app, client, auth, api, make_user,
                                                      quiz_id):
    make_user("worker_s2", unit="S2-C1-G1", name="二街道网格员")
    make_user("org_s1", role="organiser", unit="S1")
    for who in ("worker", "worker_s2"):
        caller = api(who)
        body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
        caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit")
    auth.login("org_s1")
    html = client.get(f"/quizzes/{quiz_id}/results").get_data(as_text=True)
    assert "worker用户" in html and "二街道网格员" not in html
    auth.logout()
    auth.login("trainer")  # not their quiz
    assert client.get(f"/quizzes/{quiz_id}/results").status_code == 403
    auth.logout()
    auth.login("organiser")
    html = client.get(f"/quizzes/{quiz_id}/results").get_data(as_text=True)
    assert "worker用户" in html and "二街道网格员" in html


def test_module_quizzes_are_not_edited_in_the_browser(app, client, auth, users, org):
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code
    from trainer.quizzes.services import upsert_module_quiz

    with app.app_context():
        course = Course(slug="c", title="课", department=department_by_code("fire"),
                        status="published")
        db.session.add(course)
        db.session.flush()
        quiz = upsert_module_quiz(course, {}, [SAMPLE[2]], "courses/c")
        db.session.commit()
        quiz_id = quiz.id
    auth.login("admin")
    assert client.get(f"/quizzes/{quiz_id}/edit").status_code == 403
    assert client.get(f"/quizzes/{quiz_id}/results").status_code == 200


def test_shuffled_options_are_rekeyed_per_attempt_and_graded_right(app, fresh, api, make_quiz,
                                                                  make_question, make_user):
    qid = make_question(QuestionData("single", "选丙", options=[
        Option(k, t, f) for k, t, f in (("A", "甲", 0), ("B", "乙", 0), ("C", "丙", 1),
                                         ("D", "丁", 0))]))
    quiz = make_quiz([qid], shuffle=True)
    seen = set()
    for n in range(6):
        make_user(f"w{n}")
        caller = api(f"w{n}")
        body = caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()
        options = body["questions"][0]["options"]
        assert [o["key"] for o in options] == ["A", "B", "C", "D"]
        seen.add(tuple(o["html"] for o in options))
        key = next(o["key"] for o in options if o["html"] == "丙")
        caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"answer": key})
        assert caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()[
            "score"] == 1.0
    assert len(seen) > 1
    assert fresh.get(Question, qid).body["options"][2]["text"] == "丙"
