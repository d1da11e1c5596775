"""The server's deadline holds on every pathway (API, form, lazy grading), with a small
grace period for network delay."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.conftest import RIGHT
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.models import Attempt, AttemptAnswer, Quiz

WITHIN_GRACE, PAST_GRACE = -5, -60  # seconds from now; the grace period is 20 s


@pytest.fixture
def timed(make_quiz, sample_questions):
    return make_quiz(sample_questions, time_limit=15)


def started(api, quiz):
    caller = api("worker")
    return caller, caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()


def put(caller, body, index, answer):
    question = body["questions"][index]["id"]
    return caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{question}",
                      json={"answer": answer})


def attempt_row(app, attempt_id):
    with app_ctx(app):
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def test_server_sets_the_deadline_from_the_time_limit(api, timed):
    _caller, body = started(api, timed)
    from datetime import datetime

    deadline = datetime.fromisoformat(body["deadline"])
    assert timedelta(minutes=14) < deadline - utcnow() <= timedelta(minutes=15)


def test_deadline_never_runs_past_the_quiz_closing(app, fresh, api, timed):
    fresh.update(Quiz, timed, closes_at=utcnow() + timedelta(minutes=5))
    _caller, body = started(api, timed)
    attempt = attempt_row(app, body["attempt_id"])
    assert attempt.deadline - utcnow() <= timedelta(minutes=5)


def test_api_save_within_grace_is_accepted(api, timed, shift_deadline):
    caller, body = started(api, timed)
    shift_deadline(body["attempt_id"], WITHIN_GRACE)
    assert put(caller, body, 0, "A").status_code == 200


def test_api_save_past_grace_is_409_and_not_stored(app, api, timed, shift_deadline):
    caller, body = started(api, timed)
    put(caller, body, 0, "A")
    shift_deadline(body["attempt_id"], PAST_GRACE)
    late = put(caller, body, 3, "110")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "time_up"
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert result["score"] == 1.0
    assert attempt_row(app, body["attempt_id"]).timed_out is True


def test_form_submit_past_grace_grades_only_what_was_saved(app, fresh, client, auth, api, timed,
                                                          shift_deadline):
    caller, body = started(api, timed)
    put(caller, body, 0, "A")
    shift_deadline(body["attempt_id"], PAST_GRACE)
    auth.login("worker")
    ids = [q["id"] for q in body["questions"]]
    resp = auth.post(f"/attempts/{body['attempt_id']}", page="/account/password", data={
        f"q{ids[3]}": "110", f"q{ids[2]}": "false", "action": "submit"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/attempts/{body['attempt_id']}/result")
    stored = fresh.scalars(sa.select(AttemptAnswer.question_id))
    assert stored == [ids[0]]
    assert attempt_row(app, body["attempt_id"]).score == 1.0


def test_form_submit_within_grace_stores_and_grades_the_answers(app, client, auth, api, timed,
                                                               shift_deadline):
    _caller, body = started(api, timed)
    shift_deadline(body["attempt_id"], WITHIN_GRACE)
    auth.login("worker")
    ids = [q["id"] for q in body["questions"]]
    data = {f"q{ids[0]}": "A", f"q{ids[1]}": ["A", "B"], f"q{ids[2]}": "false",
            f"q{ids[3]}": "１１０", f"q{ids[4]}": "3.14", "action": "submit"}
    resp = auth.post(f"/attempts/{body['attempt_id']}", data=data, page="/account/password")
    assert resp.status_code == 302
    attempt = attempt_row(app, body["attempt_id"])
    assert (attempt.score, attempt.timed_out) == (6.0, False)


def test_attempt_left_open_is_graded_when_the_worker_next_lists_quizzes(app, client, auth, api,
                                                                        timed, shift_deadline):
    caller, body = started(api, timed)
    for index, answer in enumerate(RIGHT[:3]):
        put(caller, body, index, answer)
    shift_deadline(body["attempt_id"], PAST_GRACE)
    auth.login("worker")
    assert client.get("/quizzes").status_code == 200
    attempt = attempt_row(app, body["attempt_id"])
    assert attempt.submitted_at is not None and attempt.timed_out
    assert attempt.score == 3.0 and attempt.submitted_at == attempt.deadline


def test_api_list_grades_overdue_attempts_too(app, api, timed, shift_deadline):
    caller, body = started(api, timed)
    shift_deadline(body["attempt_id"], PAST_GRACE)
    assert caller.get("/api/v1/quizzes").status_code == 200
    assert attempt_row(app, body["attempt_id"]).submitted_at is not None


def test_overdue_attempt_page_redirects_to_its_result(client, auth, api, timed, shift_deadline):
    _caller, body = started(api, timed)
    shift_deadline(body["attempt_id"], PAST_GRACE)
    auth.login("worker")
    resp = client.get(f"/attempts/{body['attempt_id']}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/result")
    client.set_cookie("lang", "en")
    result = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Time ran out" in result


def test_starting_an_overdue_quiz_again_opens_a_new_attempt(app, api, timed, shift_deadline):
    caller, body = started(api, timed)
    shift_deadline(body["attempt_id"], PAST_GRACE)
    again = caller.post(f"/api/v1/quizzes/{timed}/attempts")
    assert again.status_code == 201 and again.get_json()["attempt_id"] != body["attempt_id"]
    assert attempt_row(app, body["attempt_id"]).submitted_at is not None


@pytest.mark.parametrize(("opens", "closes"), [(1, None), (None, -1)])
def test_starting_outside_the_window_is_409(app, api, make_quiz, sample_questions, opens,
                                             closes):
    now = utcnow()
    quiz = make_quiz(sample_questions,
                     opens_at=now + timedelta(hours=opens) if opens else None,
                     closes_at=now + timedelta(hours=closes) if closes else None)
    assert api("worker").post(f"/api/v1/quizzes/{quiz}/attempts").status_code == 409
