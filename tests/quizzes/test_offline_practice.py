"""Offline practice (quizzes/offline.py): the pack a phone keeps carries keys only for
questions nothing withholds, and what comes back is re-checked, graded by the server's
key and recorded once per client id, with the notebook and practice days as online."""

from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_notebook import close
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.items import Option, QuestionData
from trainer.quizzes.models import Attempt, AttemptAnswer, Mistake, PracticeDay, Question


@pytest.fixture
def bank(make_question):
    """Six single-choice questions, A right; one short-answer question (not offline)."""
    ids = [make_question(QuestionData(
        "single", f"离线题{n}？", explanation=f"解析{n}：选A。",
        options=[Option("A", f"对{n}", 1.0), Option("B", f"错{n}", 0.0)]))
        for n in range(6)]
    short = make_question(QuestionData("short", "报警电话？", accepted=["110"]))
    return ids, short


def get_pack(client, auth, username="worker"):
    auth.login(username)
    resp = client.get("/practice/offline-pack.json")
    assert resp.status_code == 200
    assert "no-store" in resp.headers["Cache-Control"]
    return resp.get_json()


def pack_ids(client, auth, username="worker") -> list[int]:
    return [q["id"] for q in get_pack(client, auth, username)["questions"]]


def send(client, auth, answers, client_id=None):
    token = auth.csrf("/practice")
    return client.post("/practice/offline-answers", headers={"X-CSRFToken": token},
                       json={"client_id": client_id or uuid4().hex, "answers": answers})


def answer(question, key, *, version=None, **extra):
    return {"question_id": question["id"] if isinstance(question, dict) else question,
            "version": version if version is not None else (
                question["version"] if isinstance(question, dict) else 1),
            "answer": key, **extra}


def open_round(app, quiz_id):
    from trainer.competitions.models import Competition, Round

    now = utcnow()
    with app_ctx(app):
        contest = Competition(title="知识竞赛", status="open", starts_at=now,
                              ends_at=now + timedelta(days=2))
        contest.rounds = [Round(n=1, title="笔试", kind="quiz", quiz_id=quiz_id, weight=100,
                                opens_at=now + timedelta(hours=1),
                                closes_at=now + timedelta(days=1))]
        db.session.add(contest)
        db.session.commit()


# The pack -------------------------------------------------------------------------------

def test_the_pack_carries_keys_and_explanations_of_choice_questions_only(
        client, auth, users, bank):
    ids, short = bank
    pack = get_pack(client, auth)
    assert sorted(q["id"] for q in pack["questions"]) == sorted(ids)
    assert short not in [q["id"] for q in pack["questions"]]
    first = next(q for q in pack["questions"] if q["id"] == ids[0])
    assert first["answer"] == "A" and "解析0" in first["explanation"]
    assert [o["key"] for o in first["options"]] == ["A", "B"] and first["version"] == 1
    assert pack["size"] == len(ids) and pack["user_id"]


def test_the_pack_is_bounded(client, auth, users, make_question):
    for n in range(35):
        make_question(QuestionData("truefalse", f"判断{n}", truth=True))
    assert len(pack_ids(client, auth)) == 30


def test_the_pack_leaves_out_a_question_in_an_open_competition_round(
        app, client, auth, users, bank, make_quiz):
    ids, _short = bank
    open_round(app, make_quiz([ids[0]], published=False))
    assert ids[0] not in pack_ids(client, auth) and ids[1] in pack_ids(client, auth)


def test_the_pack_leaves_out_a_question_of_a_quiz_reviewed_never(
        client, auth, users, bank, make_quiz):
    ids, _short = bank
    make_quiz([ids[1]], review="never")
    assert ids[1] not in pack_ids(client, auth) and ids[0] in pack_ids(client, auth)


def test_the_pack_leaves_out_a_question_of_a_quiz_reviewed_after_close(
        app, client, auth, users, bank, make_quiz):
    ids, _short = bank
    quiz = make_quiz([ids[2]], review="after_close", closes_at=utcnow() + timedelta(hours=1))
    assert ids[2] not in pack_ids(client, auth)
    close(app, quiz)  # closed: its review is open, so is practice
    assert ids[2] in pack_ids(client, auth)


def test_the_pack_leaves_out_what_the_worker_drew_in_an_open_attempt(
        client, auth, api, users, bank, make_quiz):
    ids, _short = bank
    quiz = make_quiz([ids[3]])  # reviewed after submitting, but not submitted yet
    api("worker").post(f"/api/v1/quizzes/{quiz}/attempts")
    assert ids[3] not in pack_ids(client, auth)


def test_the_pack_puts_due_reviews_first(app, client, auth, users, make_question):
    ids = [make_question(QuestionData("truefalse", f"判断{n}", truth=True))
           for n in range(120)]
    missed = ids[-6:]
    auth.login()
    assert send(client, auth, [answer(qid, False) for qid in missed]).status_code == 200
    with app_ctx(app):  # the misses are due today (drawn by chance: 6 of 120 in 30, 0.02 %)
        db.session.execute(sa.update(Mistake).values(due=utcnow() - timedelta(hours=1)))
        db.session.commit()
    assert set(missed) <= set(pack_ids(client, auth))


# Sending back ---------------------------------------------------------------------------

def test_answers_are_graded_by_the_servers_key_and_misses_enter_the_notebook(
        app, client, auth, users, bank):
    ids, _short = bank
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    resp = send(client, auth, [answer(pack[ids[0]], "A"),
                               answer(pack[ids[1]], "B", correct=True)])  # a lying client
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["accepted"] == 2 and body["refused"] == [] and body["replayed"] is False
    assert body["score"] == 1 and body["max_score"] == 2 and body["percent"] == 50
    with app_ctx(app):
        attempt = db.session.get(Attempt, body["attempt_id"])
        assert attempt.context == "practice" and attempt.submitted_at is not None
        assert attempt.label == "离线练习"
        credits = dict(db.session.execute(sa.select(
            AttemptAnswer.question_id, AttemptAnswer.credit)).all())
        assert credits == {ids[0]: 1.0, ids[1]: 0.0}
        notebook = db.session.scalars(sa.select(Mistake)).all()
        assert [(m.question_id, m.last_answer) for m in notebook] == [(ids[1], "B")]
        assert db.session.scalar(sa.select(PracticeDay.answers)) == 2
    page = client.get("/practice/notebook").get_data(as_text=True)
    assert "离线题1？" in page and "解析1：选A。" in page


def test_a_replay_records_nothing_twice(app, client, auth, users, bank):
    ids, _short = bank
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    client_id = uuid4().hex
    answers = [answer(pack[ids[0]], "B"), answer(pack[ids[2]], "A")]
    first = send(client, auth, answers, client_id).get_json()
    again = send(client, auth, answers, client_id)
    assert again.status_code == 200
    assert again.get_json()["attempt_id"] == first["attempt_id"]
    assert again.get_json()["replayed"] is True
    with app_ctx(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        assert db.session.scalar(sa.select(PracticeDay.answers)) == 2
        assert db.session.scalar(sa.select(Mistake.wrong_count)) == 1
    # another practice (another id) is recorded on its own
    other = send(client, auth, answers).get_json()
    assert other["attempt_id"] != first["attempt_id"]


def test_a_question_withheld_since_the_pack_was_made_is_refused(
        app, client, auth, users, bank, make_quiz):
    ids, _short = bank
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    make_quiz([ids[0]], review="never")  # after the download
    open_round(app, make_quiz([ids[1]], title="竞赛卷", published=False))
    resp = send(client, auth, [answer(pack[ids[0]], "B"), answer(pack[ids[1]], "B"),
                               answer(pack[ids[2]], "B")])
    body = resp.get_json()
    assert sorted(body["refused"], key=lambda r: r["question_id"]) == [
        {"question_id": ids[0], "reason": "withheld"},
        {"question_id": ids[1], "reason": "withheld"}]
    assert body["accepted"] == 1
    with app_ctx(app):
        attempt = db.session.get(Attempt, body["attempt_id"])
        assert [entry["id"] for entry in attempt.questions] == [ids[2]]
        assert set(db.session.scalars(sa.select(Mistake.question_id))) == {ids[2]}
    result = client.get(f"/attempts/{body['attempt_id']}/result").get_data(as_text=True)
    assert "离线题0？" not in result and "解析0" not in result and "解析1" not in result


def test_only_withheld_answers_record_no_attempt(app, client, auth, users, bank, make_quiz):
    ids, _short = bank
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    make_quiz([ids[0]], review="after_close", closes_at=utcnow() + timedelta(hours=1))
    body = send(client, auth, [answer(pack[ids[0]], "B")]).get_json()
    assert body == {"attempt_id": None, "replayed": False, "accepted": 0,
                    "refused": [{"question_id": ids[0], "reason": "withheld"}]}
    with app_ctx(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mistake)) == 0


def test_unknown_changed_duplicate_and_bad_answers_are_refused(
        app, client, auth, users, bank, make_question):
    ids, short = bank
    other_street = make_question(QuestionData("truefalse", "别街道的题", truth=True),
                                 street="S2")
    retired = make_question(QuestionData("truefalse", "停用的题", truth=True),
                            status="retired")
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    with app_ctx(app):
        db.session.get(Question, ids[3]).version = 2  # edited since the download
        db.session.commit()
    body = send(client, auth, [
        answer(pack[ids[0]], "A"), answer(pack[ids[0]], "B"), answer(short, "110"),
        answer(other_street, True), answer(retired, True), answer(pack[ids[3]], "A"),
        answer(pack[ids[4]], "Z"), {"question_id": "1", "answer": "A"}, "junk",
        answer(999999, "A")]).get_json()
    reasons = [(r["question_id"], r["reason"]) for r in body["refused"]]
    assert sorted(reasons, key=str) == sorted([
        (ids[0], "duplicate"), (short, "unknown"), (other_street, "unknown"),
        (retired, "unknown"), (ids[3], "changed"), (ids[4], "bad_answer"),
        (None, "bad_answer"), (None, "bad_answer"), (999999, "unknown")], key=str)
    assert body["accepted"] == 1 and body["score"] == 1


@pytest.mark.parametrize("payload", [
    {}, {"client_id": "short", "answers": [{"question_id": 1, "answer": "A"}]},
    {"client_id": "x" * 41, "answers": [{"question_id": 1, "answer": "A"}]},
    {"client_id": "../../etc", "answers": [{"question_id": 1, "answer": "A"}]},
    {"client_id": "abcdefgh12", "answers": []},
    {"client_id": "abcdefgh12", "answers": "A"},
    {"client_id": "abcdefgh12", "answers": [{"question_id": 1, "answer": "A"}] * 31},
    [1, 2]])
def test_a_malformed_body_is_a_json_error(client, auth, users, payload):
    auth.login()
    resp = client.post("/practice/offline-answers", json=payload,
                       headers={"X-CSRFToken": auth.csrf("/practice")})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "invalid"


def test_sending_needs_the_csrf_token_and_a_login(client, auth, users, bank):
    body = {"client_id": uuid4().hex, "answers": [answer(bank[0][0], "A")]}
    assert client.post("/practice/offline-answers", json=body).status_code in (302, 400)
    auth.login()
    assert client.post("/practice/offline-answers", json=body).status_code == 400
    assert client.get("/practice/offline-pack.json").status_code == 200
    auth.logout()
    assert client.get("/practice/offline-pack.json").status_code == 302


def test_practice_answered_offline_counts_toward_the_streak(app, client, auth, users, bank):
    from trainer.quizzes.spaced import streak

    ids, _short = bank
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    send(client, auth, [answer(pack[ids[0]], "A")])
    with app_ctx(app):
        user_id = db.session.scalar(sa.select(Attempt.user_id))
        assert streak(user_id) == 1


def test_two_sends_racing_record_one_attempt(app, client, auth, users, bank, monkeypatch):
    """The second of two simultaneous sends does not see the first's attempt when it
    looks, and then loses the insert to the unique index: it answers the first's."""
    from trainer.quizzes import offline

    ids, _short = bank
    pack = {q["id"]: q for q in get_pack(client, auth)["questions"]}
    client_id = uuid4().hex
    first = send(client, auth, [answer(pack[ids[0]], "B")], client_id).get_json()
    looked = []

    def blind_once(user_id, cid):
        looked.append(cid)
        return None if len(looked) == 1 else real(user_id, cid)

    real = offline._by_client
    monkeypatch.setattr(offline, "_by_client", blind_once)
    again = send(client, auth, [answer(pack[ids[0]], "B")], client_id)
    assert again.status_code == 200 and len(looked) == 2
    assert again.get_json()["attempt_id"] == first["attempt_id"]
    assert again.get_json()["replayed"] is True
    with app_ctx(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        assert db.session.scalar(sa.select(PracticeDay.answers)) == 1
        assert db.session.scalar(sa.select(Mistake.wrong_count)) == 1


def test_without_javascript_the_practice_page_only_hides_the_offline_section(
        client, auth, users, bank):
    auth.login()
    page = client.get("/practice").get_data(as_text=True)
    assert '<section id="offline-practice" class="card" hidden' in page
    assert "解析0" not in page  # the page itself carries no key or explanation
    assert 'action="/practice"' in page  # online practice as before
