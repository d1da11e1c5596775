"""Autosave ordering (seq), the page's autosave endpoint and resuming an attempt."""

import re

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.quizzes.models import AttemptAnswer


def started(api, quiz):
    caller = api("worker")
    return caller, caller.post(f"/api/v1/quizzes/{quiz}/attempts").get_json()


def put(caller, body, qid, answer, seq=None):
    payload = {"answer": answer} if seq is None else {"answer": answer, "seq": seq}
    return caller.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json=payload)


def stored(app):
    with app_ctx(app):
        return db.session.execute(sa.select(AttemptAnswer.answer, AttemptAnswer.seq)).one()


def test_stale_save_with_lower_seq_never_overwrites_a_newer_one(app, api, quiz_id):
    caller, body = started(api, quiz_id)
    qid = body["questions"][0]["id"]
    assert put(caller, body, qid, "B", seq=2).get_json()["saved"] is True
    stale = put(caller, body, qid, "A", seq=1)
    assert stale.status_code == 200
    assert stale.get_json() | {"saved_at": None} == {
        "question_id": qid, "answer": "B", "seq": 2, "saved": False, "saved_at": None}
    assert stored(app) == ("B", 2)


def test_replayed_save_with_the_same_seq_changes_nothing(app, api, quiz_id):
    caller, body = started(api, quiz_id)
    qid = body["questions"][0]["id"]
    put(caller, body, qid, "B", seq=5)
    assert put(caller, body, qid, "C", seq=5).get_json()["saved"] is False
    assert stored(app) == ("B", 5)


def test_newer_seq_overwrites(app, api, quiz_id):
    caller, body = started(api, quiz_id)
    qid = body["questions"][0]["id"]
    put(caller, body, qid, "B", seq=1700000000000)
    put(caller, body, qid, "C", seq=1700000000001)
    assert stored(app) == ("C", 1700000000001)


def test_save_without_seq_applies_and_keeps_the_stored_seq(app, api, quiz_id):
    caller, body = started(api, quiz_id)
    qid = body["questions"][0]["id"]
    put(caller, body, qid, "B", seq=7)
    put(caller, body, qid, "C")
    assert stored(app) == ("C", 7)
    put(caller, body, qid, "A", seq=6)
    assert stored(app) == ("C", 7)


def test_out_of_range_seq_is_422(api, quiz_id):
    caller, body = started(api, quiz_id)
    qid = body["questions"][0]["id"]
    assert put(caller, body, qid, "B", seq=-1).status_code == 422
    assert put(caller, body, qid, "B", seq=2**60).status_code == 422
    assert put(caller, body, qid, "B", seq=True).status_code == 422


def login_and_start(client, auth, quiz_id):
    auth.login("worker")
    resp = auth.post(f"/quizzes/{quiz_id}/start", page=f"/quizzes/{quiz_id}")
    url = resp.headers["Location"]
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', html).group(1)
    ids = [int(n) for n in re.findall(r'data-question="(\d+)"', html)]
    return int(url.rsplit("/", 1)[1]), token, ids


def test_page_autosave_needs_the_csrf_header(client, auth, users, quiz_id):
    attempt_id, token, ids = login_and_start(client, auth, quiz_id)
    url = f"/attempts/{attempt_id}/answers/{ids[0]}"
    assert client.put(url, json={"answer": "A", "seq": 1}).status_code == 400
    ok = client.put(url, json={"answer": "A", "seq": 1}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["answer"] == "A"
    bad = client.put(url, json={"answer": "Q"}, headers={"X-CSRFToken": token})
    assert bad.status_code == 422 and "error" in bad.get_json()


def test_reload_shows_saved_answers_and_their_seq(client, auth, users, quiz_id):
    attempt_id, token, ids = login_and_start(client, auth, quiz_id)
    headers = {"X-CSRFToken": token}
    client.put(f"/attempts/{attempt_id}/answers/{ids[0]}", json={"answer": "C", "seq": 11},
               headers=headers)
    client.put(f"/attempts/{attempt_id}/answers/{ids[1]}", json={"answer": ["A", "C"]},
               headers=headers)
    client.put(f"/attempts/{attempt_id}/answers/{ids[3]}", json={"answer": "幺幺零"},
               headers=headers)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(rf'name="q{ids[0]}" value="C" checked', html)
    assert re.search(rf'name="q{ids[1]}" value="A" checked', html)
    assert re.search(rf'name="q{ids[1]}" value="C" checked', html)
    assert not re.search(rf'name="q{ids[1]}" value="B" checked', html)
    assert 'value="幺幺零"' in html
    assert f'data-question="{ids[0]}" data-type="single" data-seq="11"' in html


def test_resume_after_logging_in_again_on_another_device(app, client, auth, users, quiz_id):
    attempt_id, token, ids = login_and_start(client, auth, quiz_id)
    client.put(f"/attempts/{attempt_id}/answers/{ids[2]}", json={"answer": False},
               headers={"X-CSRFToken": token})
    auth.logout()
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("worker")
    page = other.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert f"/attempts/{attempt_id}" in page
    html = other.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(rf'name="q{ids[2]}" value="false" checked', html)


def test_plain_form_save_keeps_answers_without_submitting(app, client, auth, users, quiz_id):
    attempt_id, _token, ids = login_and_start(client, auth, quiz_id)
    resp = auth.post(f"/attempts/{attempt_id}", page=f"/attempts/{attempt_id}",
                     data={f"q{ids[0]}": "B", "action": "save"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/attempts/{attempt_id}")
    assert stored(app) == ("B", 0)


def test_plain_form_with_a_bad_answer_shows_it_and_keeps_the_good_ones(app, client, auth,
                                                                       users, quiz_id):
    attempt_id, _token, ids = login_and_start(client, auth, quiz_id)
    client.set_cookie("lang", "en")
    resp = auth.post(f"/attempts/{attempt_id}", page=f"/attempts/{attempt_id}",
                     data={f"q{ids[0]}": "A", f"q{ids[4]}": "三点一四", "action": "submit"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Some answers could not be saved" in html and f'id="q{ids[4]}-error"' in html
    assert stored(app) == ("A", 0)
    assert client.get(f"/attempts/{attempt_id}").status_code == 200  # not submitted
