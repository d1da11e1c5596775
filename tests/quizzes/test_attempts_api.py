import pytest
import sqlalchemy as sa

from tests.quizzes.conftest import RIGHT, WRONG
from trainer.extensions import db
from trainer.quizzes.models import Attempt, AttemptAnswer


def start(api, quiz_id, who="worker"):
    caller = api(who)
    resp = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts")
    return caller, resp


def answer_all(caller, body, answers):
    for question, answer in zip(body["questions"], answers, strict=True):
        resp = caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{question['id']}",
                          json={"answer": answer})
        assert resp.status_code == 200, resp.get_json()


def test_worker_lists_open_quiz_with_course_null(api, quiz_id):
    body = api("worker").get("/api/v1/quizzes").get_json()
    assert body == [{"id": quiz_id, "title": "综合测验", "course": None}]


def test_start_answers_201_with_questions_of_every_type(api, quiz_id):
    _caller, resp = start(api, quiz_id)
    assert resp.status_code == 201
    body = resp.get_json()
    assert [q["type"] for q in body["questions"]] == [
        "single", "multiple", "truefalse", "short", "numerical"]
    assert body["questions"][0]["options"][0] == {"key": "A", "html": "信息采集"}
    assert "<strong>首要</strong>" in body["questions"][0]["html"]
    assert body["deadline"] is None


def test_starting_again_while_open_returns_the_same_attempt_with_200(api, quiz_id):
    caller, first = start(api, quiz_id)
    again = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts")
    assert again.status_code == 200
    assert again.get_json()["attempt_id"] == first.get_json()["attempt_id"]


def test_resume_returns_the_answers_saved_so_far(api, quiz_id):
    caller, first = start(api, quiz_id)
    body = first.get_json()
    qid = body["questions"][3]["id"]
    caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"answer": "110"})
    other_device = api("worker")
    resumed = other_device.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    assert resumed["answers"] == [{"question_id": qid, "answer": "110", "seq": 0}]
    again = other_device.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()
    assert again["answers"] == resumed["answers"] and again["submitted"] is False


def test_all_right_scores_full_marks_with_bank_points(api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    answer_all(caller, body, RIGHT)
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert (result["score"], result["max_score"], result["percent"], result["passed"]) == (
        6.0, 6.0, 100.0, True)
    assert [item["correct"] for item in result["review"]] == [True] * 5


def test_all_wrong_scores_zero_and_fails(api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    answer_all(caller, body, WRONG)
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert (result["score"], result["percent"], result["passed"]) == (0.0, 0.0, False)
    assert result["review"][0]["correct_answer"] == "A"
    assert result["review"][0]["answer"] == "B"


def test_second_submit_returns_the_same_result(app, api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    answer_all(caller, body, RIGHT[:2] + WRONG[2:])
    first = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    second = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert first == second and first["score"] == 2.0


def test_saving_after_submit_is_409(api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit")
    qid = body["questions"][0]["id"]
    late = caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}",
                      json={"answer": "A"})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "submitted"


def test_starting_beyond_allowed_attempts_is_409(api, make_quiz, sample_questions):
    quiz = make_quiz(sample_questions, max_attempts=1)
    caller, resp = start(api, quiz)
    caller.post(f"/api/v1/attempts/{resp.get_json()['attempt_id']}/submit")
    again = caller.post(f"/api/v1/quizzes/{quiz}/attempts")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "no_attempts_left"


def test_malformed_answers_are_422_and_change_nothing(app, fresh, api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/"
    ids = [q["id"] for q in body["questions"]]
    for qid, bad in [(ids[0], "Z"), (ids[0], ["A"]), (ids[1], "X"), (ids[2], "maybe"),
                     (ids[3], 5), (ids[4], "abc"), (ids[4], float("1e400"))]:
        resp = caller.put(url + str(qid), data=f'{{"answer": {_json(bad)}}}',
                          content_type="application/json")
        assert resp.status_code in (400, 422), (qid, bad)
    assert caller.put(url + str(ids[0]), json={}).status_code == 422
    assert caller.put(url + str(ids[0]), json={"answer": "A", "seq": "x"}).status_code == 422
    assert fresh.scalar(sa.select(sa.func.count()).select_from(AttemptAnswer)) == 0


def _json(value):
    import json

    return "1e400" if value == float("1e400") else json.dumps(value)


def test_question_outside_the_attempt_is_404(api, quiz_id, make_question):
    other = make_question()
    caller, resp = start(api, quiz_id)
    attempt_id = resp.get_json()["attempt_id"]
    assert caller.put(f"/api/v1/attempts/{attempt_id}/answers/{other}",
                      json={"answer": "A"}).status_code == 404


def test_cleared_answer_is_stored_as_none(app, fresh, api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{body['questions'][1]['id']}"
    caller.put(url, json={"answer": ["A", "B"]})
    assert caller.put(url, json={"answer": []}).get_json()["answer"] is None
    assert fresh.scalar(sa.select(AttemptAnswer.answer)) is None


def test_another_workers_attempt_answers_404_everywhere(api, make_user, quiz_id):
    make_user("worker2")
    _caller, resp = start(api, quiz_id)
    attempt_id = resp.get_json()["attempt_id"]
    qid = resp.get_json()["questions"][0]["id"]
    intruder = api("worker2")
    assert intruder.get(f"/api/v1/attempts/{attempt_id}").status_code == 404
    assert intruder.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                        json={"answer": "A"}).status_code == 404
    assert intruder.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 404


def test_trainer_sees_unpublished_quizzes_worker_does_not(api, make_quiz, sample_questions):
    draft = make_quiz(sample_questions, title="竞赛用题", published=False)
    assert draft in [q["id"] for q in api("trainer").get("/api/v1/quizzes").get_json()]
    assert draft not in [q["id"] for q in api("worker").get("/api/v1/quizzes").get_json()]
    assert api("worker").post(f"/api/v1/quizzes/{draft}/attempts").status_code == 404


def test_list_pages_with_a_link_header(api, make_quiz, sample_questions):
    for n in range(3):
        make_quiz(sample_questions, title=f"测验{n}")
    resp = api("worker").get("/api/v1/quizzes?page=1&per_page=2")
    assert len(resp.get_json()) == 2 and 'rel="next"' in resp.headers["Link"]


def test_attempt_graded_by_submit_counts_each_saved_answer_once(app, api, quiz_id):
    caller, resp = start(api, quiz_id)
    body = resp.get_json()
    qid = body["questions"][0]["id"]
    for answer in ("B", "C", "A"):
        caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}",
                   json={"answer": answer})
    result = caller.post(f"/api/v1/attempts/{body['attempt_id']}/submit").get_json()
    assert result["score"] == 1.0
    with app.app_context():
        rows = db.session.scalars(sa.select(AttemptAnswer)).all()
        assert [(r.answer, r.credit) for r in rows] == [("A", 1.0)]
        assert db.session.get(Attempt, body["attempt_id"]).submitted_at is not None


@pytest.mark.parametrize("forged", [{"headers": {"Host": "evil.example"}},
                                    {"base_url": "https://evil.example"},
                                    {"headers": {"X-Forwarded-Host": "evil.example"}}])
def test_the_link_header_never_carries_the_request_host(client, auth, users, make_quiz,
                                                       sample_questions, forged):
    for n in range(3):
        make_quiz(sample_questions, title=f"测验{n}")
    headers = {"Authorization": f"Bearer {auth.token('worker')}", **forged.pop("headers", {})}
    resp = client.get("/api/v1/quizzes?page=1&per_page=2", headers=headers, **forged)
    link = resp.headers["Link"]
    assert "evil" not in link and "localhost" not in link
    assert link.startswith("</api/v1/quizzes?") and 'rel="next"' in link
    assert "page=2" in link and "per_page=2" in link
