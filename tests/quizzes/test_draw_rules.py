"""Draw rules: refused when the bank cannot fill them, drawn in full whenever it can,
and a visible warning when the bank shrank after the quiz was saved."""

import logging

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_quiz_admin import BASE, only_quiz
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.quizzes.items import QuestionData
from trainer.quizzes.models import Question


@pytest.fixture
def police(app, make_question):
    """Five hard and five easy public-security questions: (hard ids, easy ids)."""
    hard = [make_question(QuestionData("truefalse", f"难{n}", truth=True, difficulty=4))
            for n in range(5)]
    easy = [make_question(QuestionData("truefalse", f"易{n}", truth=True, difficulty=1))
            for n in range(5)]
    return hard, easy


def department_id(app, code="public-security"):
    from trainer.org.services import department_by_code

    with app_ctx(app):
        return department_by_code(code).id


def rules_form(app, *rules):
    fields = {**BASE, "mode": "draw"}
    for at, (count, low) in enumerate(rules):
        fields |= {f"rules-{at}-count": str(count), f"rules-{at}-min_difficulty": str(low),
                   f"rules-{at}-max_difficulty": "5",
                   f"rules-{at}-department": str(department_id(app))}
    return fields


def test_a_rule_matching_too_few_questions_is_refused_naming_it(app, client, auth, users,
                                                               police):
    auth.login("trainer")
    client.set_cookie("lang", "en")
    resp = auth.post("/quizzes/new", data=rules_form(app, (2, 1), (6, 3)))
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Rule 2 (" in text and "difficulty 3 to 5) draws 6 questions, but only 5 " \
        "active questions match it." in text


def test_rules_that_need_more_questions_together_are_refused(app, client, auth, users, police):
    auth.login("trainer")
    client.set_cookie("lang", "en")
    resp = auth.post("/quizzes/new", data=rules_form(app, (6, 1), (5, 3)))
    assert resp.status_code == 422
    assert "Rules 1、2 draw 11 different questions together, but only 10 active questions " \
        "match them." in resp.get_data(as_text=True)


def test_the_service_refuses_the_same_for_every_caller(app, users, police):
    from trainer.auth.models import User
    from trainer.quizzes.authoring import QuizSettings, RuleSpec, save_quiz

    with app.app_context():
        settings = QuizSettings(title="API", mode="draw", rules=[RuleSpec(count=11)])
        with pytest.raises(Invalid, match="只有 10 道"):
            save_quiz(db.session.get(User, users["trainer"]), settings)


def test_overlapping_rules_are_always_drawn_in_full(app, client, auth, api, users, police):
    hard, easy = police
    auth.login("trainer")
    assert auth.post("/quizzes/new", data=rules_form(app, (5, 1), (5, 3))).status_code == 302
    quiz = only_quiz(app)
    caller = api("worker")
    for _attempt in range(4):
        body = caller.post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
        assert sorted(q["id"] for q in body["questions"]) == sorted(hard + easy)
        caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit")


def test_a_bank_that_shrank_draws_what_is_left_and_warns_the_managers(
        app, client, auth, api, users, police, caplog):
    hard, _easy = police
    auth.login("trainer")
    client.set_cookie("lang", "en")
    auth.post("/quizzes/new", data=rules_form(app, (3, 3)))
    quiz = only_quiz(app)
    with app.app_context():
        db.session.execute(sa.update(Question).where(Question.id.in_(hard[:3]))
                           .values(status="retired"))
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="trainer.quizzes.drawing"):
        body = api("worker").post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
    assert sorted(q["id"] for q in body["questions"]) == sorted(hard[3:])
    assert f"quiz {quiz.id} drew 2 of 3 questions" in caplog.text
    page = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    assert "New attempts get fewer questions" in page and "only 2 active" in page
    auth.login("worker")
    assert "New attempts get fewer" not in client.get(f"/quizzes/{quiz.id}").get_data(
        as_text=True)


@pytest.mark.parametrize("department", ["999999", "警务", "0"])
def test_a_rule_with_an_unknown_department_is_refused_not_stored_as_any(
        app, client, auth, users, police, department):
    auth.login("trainer")
    fields = rules_form(app, (2, 1)) | {"rules-0-department": department}
    resp = auth.post("/quizzes/new", data=fields)
    assert resp.status_code == 422
    assert "部门不存在" in resp.get_data(as_text=True)
    with app.app_context():
        from trainer.quizzes.models import Quiz
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0


def test_the_service_refuses_an_unknown_department_id(app, users, police):
    from trainer.auth.models import User
    from trainer.quizzes.authoring import QuizSettings, RuleSpec, save_quiz

    with app.app_context():
        settings = QuizSettings(title="API", mode="draw",
                                rules=[RuleSpec(count=1, department_id=424242)])
        with pytest.raises(Invalid, match="部门不存在"):
            save_quiz(db.session.get(User, users["trainer"]), settings)
