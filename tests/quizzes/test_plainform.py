"""The attempt page without JavaScript: answers can be cleared, and a page shown before
an answer was saved elsewhere never wipes it."""

import re

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.quizzes.models import AttemptAnswer


def open_page(client, auth, api, quiz_id):
    caller = api("worker")
    body = caller.post(f"/api/v1/quizzes/{quiz_id}/attempts").get_json()
    auth.login("worker")
    return caller, body["attempt_id"], {q["type"]: q["id"] for q in body["questions"]}


def page_fields(client, attempt_id) -> dict[str, str]:
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    return dict(re.findall(r'<input type="hidden" name="(q\d+-seen)" value="([^"]*)">', html))


def answers(app) -> dict[int, object]:
    with app_ctx(app):
        return dict(db.session.execute(sa.select(AttemptAnswer.question_id,
                                                 AttemptAnswer.answer)).all())


def post_form(auth, attempt_id, data):
    return auth.post(f"/attempts/{attempt_id}", data={"action": "save", **data},
                     page=f"/attempts/{attempt_id}")


def test_a_text_answer_and_all_boxes_can_be_cleared_without_javascript(
        app, client, auth, api, quiz_id):
    caller, attempt, ids = open_page(client, auth, api, quiz_id)
    for kind, answer in (("short", "119"), ("multiple", ["A"])):
        caller.put(f"/api/v1/attempts/{attempt}/answers/{ids[kind]}", json={"answer": answer})
    markers = page_fields(client, attempt)
    assert markers[f"q{ids['short']}-seen"] and markers[f"q{ids['multiple']}-seen"]
    # the text field sent empty, no box of the multiple choice ticked
    assert post_form(auth, attempt, {**markers, f"q{ids['short']}": ""}).status_code == 302
    stored = answers(app)
    assert stored[ids["short"]] is None and stored[ids["multiple"]] is None


def test_a_page_shown_before_a_save_elsewhere_leaves_that_answer_alone(
        app, client, auth, api, quiz_id):
    caller, attempt, ids = open_page(client, auth, api, quiz_id)
    markers = page_fields(client, attempt)  # shown with no answers yet
    caller.put(f"/api/v1/attempts/{attempt}/answers/{ids['multiple']}",
               json={"answer": ["B"]})  # another device
    post_form(auth, attempt, {**markers, f"q{ids['single']}": "A"})
    stored = answers(app)
    assert stored[ids["multiple"]] == ["B"] and stored[ids["single"]] == "A"


def test_without_the_markers_empty_fields_keep_the_saved_answers(
        app, client, auth, api, quiz_id):
    caller, attempt, ids = open_page(client, auth, api, quiz_id)
    caller.put(f"/api/v1/attempts/{attempt}/answers/{ids['short']}", json={"answer": "119"})
    post_form(auth, attempt, {f"q{ids['short']}": ""})
    assert answers(app)[ids["short"]] == "119"
