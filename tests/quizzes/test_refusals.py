"""Refusals on the quiz pages under the unit of work: each is rolled back and answered as
before (flash and redirect, a message on the form, JSON for the page's autosave), while a
lookup that finds nothing stays a 404."""

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_bank import FORM
from tests.quizzes.test_import_export import FIXTURES, upload
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.models import Attempt, AttemptAnswer, ImportDraft, Question


def flashes(client) -> list:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def count(app, model) -> int:
    with app_ctx(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_starting_a_quiz_not_open_yet_flashes_and_goes_back_to_it(app, client, auth, users,
                                                                  make_quiz, sample_questions):
    quiz = make_quiz(sample_questions, opens_at=utcnow() + timedelta(days=1))
    auth.login("worker")
    client.set_cookie("lang", "en")
    resp = auth.post(f"/quizzes/{quiz}/start", page=f"/quizzes/{quiz}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/quizzes/{quiz}")
    assert ("error", "This quiz has not opened yet.") in flashes(client)
    assert count(app, Attempt) == 0


def test_starting_a_quiz_that_is_not_there_stays_a_404(client, auth, users, quiz_id):
    auth.login("worker")
    assert auth.post("/quizzes/999999/start", page=f"/quizzes/{quiz_id}").status_code == 404
    assert flashes(client) == []


def test_confirming_a_draft_with_problems_flashes_and_stores_nothing(app, fresh, client, auth,
                                                                     users):
    auth.login("trainer")
    client.set_cookie("lang", "en")
    assert upload(auth, FIXTURES / "errors.gift").status_code == 422
    token = fresh.scalar(sa.select(ImportDraft.token))
    resp = auth.post(f"/bank/import/{token}", page="/bank/import")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/bank/import")
    assert ("error", "Nothing was imported: fix the problems listed and upload again.") \
        in flashes(client)
    assert count(app, Question) == 0 and count(app, ImportDraft) == 1


def test_a_refused_question_is_shown_under_its_answer(app, client, auth, users):
    auth.login("trainer")
    resp = auth.post("/bank/new", data={**FORM, "answer": "G"})
    assert resp.status_code == 422
    assert re.search(r'id="answer-error">[^<]*答案“G”不是已有的选项', resp.get_data(as_text=True))
    assert count(app, Question) == 0


def test_a_refused_quiz_setting_is_shown_above_the_form(client, auth, users):
    auth.login("trainer")
    client.set_cookie("lang", "en")
    resp = auth.post("/quizzes/new", data={"title": "测验", "mode": "draw", "pass_percent": "60",
                                           "review": "after_submit", "street": ""})
    assert resp.status_code == 422
    assert re.search(r'<p class="error" role="alert">Add at least one draw rule',
                     resp.get_data(as_text=True))


def test_the_page_autosave_answers_its_refusals_in_json(app, client, auth, users, quiz_id):
    from tests.quizzes.test_autosave import login_and_start

    attempt_id, token, ids = login_and_start(client, auth, quiz_id)
    client.set_cookie("lang", "en")
    headers = {"X-CSRFToken": token}
    bad = client.put(f"/attempts/{attempt_id}/answers/{ids[0]}", json={"seq": 1},
                     headers=headers)
    assert bad.status_code == 422
    assert bad.get_json() == {"error": {"code": "invalid",
                                        "message": "Field “answer” is required."}}
    missing = client.put(f"/attempts/{attempt_id}/answers/999999", json={"answer": "A"},
                         headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert count(app, AttemptAnswer) == 0
