"""A quiz round's play page has the quiz's question navigator (answered, unanswered,
flagged), 「已答 x/N」 in the sticky bar and the summary before the one submit, all
without JavaScript; quiz.js (the quiz page's script) keeps them current with it."""

import re

import sqlalchemy as sa

from tests.competitions.conftest import option_key
from trainer.extensions import db


def started(app, client, auth, create, make_quiz, n=3):
    quiz_id, ids = make_quiz(n=n)
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    auth.login("worker")
    auth.post(f"/competitions/{comp_id}/enter", page=f"/competitions/{comp_id}")
    auth.post(f"/competitions/{comp_id}/rounds/1/start", page=f"/competitions/{comp_id}")
    base = f"/competitions/{comp_id}/rounds/1"
    with app.app_context():
        from trainer.quizzes.models import Attempt

        order = [e["id"] for e in db.session.scalar(sa.select(Attempt)).questions]
    return base, order


def nav_states(html: str) -> dict[int, str]:
    """Question id -> the navigator link's classes."""
    nav = re.search(r'<nav class="quiz-nav".*?</nav>', html, re.S).group(0)
    return {int(qid): classes for qid, classes in
            re.findall(r'href="[^"]*#q(\d+)" id="nav\d+" class="([^"]*)"', nav)}


def test_the_play_page_has_the_navigator_and_the_answered_count(app, client, auth, create,
                                                                make_quiz):
    base, order = started(app, client, auth, create, make_quiz)
    html = client.get(f"{base}/play").get_data(as_text=True)
    assert '<div class="quiz-bar">' in html and "已答 0/3" in html
    assert nav_states(html) == {qid: "is-open" for qid in order}
    assert 'id="quiz-form"' in html and "js/quiz.js" in html  # the quiz's own script
    assert 'data-save-url="/attempts/' in html and '/answers/0"' in html
    # the navigator's links lead to the questions, in the entrant's own order
    assert [int(q) for q in re.findall(r'<fieldset class="card quiz-q[^"]*" id="q(\d+)"',
                                       html)] == order

    auth.post(f"{base}/answers", {f"q{order[1]}": option_key(app, order[1]),
                                  "action": "save"}, page=f"{base}/play")
    html = client.get(f"{base}/play").get_data(as_text=True)
    assert "已答 1/3" in html
    assert nav_states(html) == {order[0]: "is-open", order[1]: "is-answered",
                                order[2]: "is-open"}
    assert "：已答<" in html and "：未答<" in html  # said to screen readers, not by colour


def test_a_question_is_flagged_with_the_plain_form_button_and_listed_before_submit(
        app, client, auth, create, make_quiz):
    base, order = started(app, client, auth, create, make_quiz)
    resp = auth.post(f"{base}/answers", {f"q{order[0]}": option_key(app, order[0]),
                                         "action": f"flag:{order[2]}"}, page=f"{base}/play")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"{base}/play#q{order[2]}")
    html = client.get(f"{base}/play").get_data(as_text=True)
    assert nav_states(html) == {order[0]: "is-answered", order[1]: "is-open",
                                order[2]: "is-open is-flagged"}
    assert re.search(rf'value="flag:{order[2]}" class="quiz-flagbtn" aria-pressed="true"', html)
    assert "已答 1/3" in html  # the flag's post saved the answer given with it

    confirm = client.get(f"{base}/confirm").get_data(as_text=True)
    unanswered = re.search(r'id="unanswered">(.*?)</section>', confirm, re.S).group(1)
    assert re.findall(r"#q(\d+)", unanswered) == [str(order[1]), str(order[2])]
    assert "已标记待检查（1 题）" in confirm
    assert nav_states(confirm)[order[2]] == "is-open is-flagged"

    # flagged again: unflagged
    auth.post(f"{base}/answers", {"action": f"flag:{order[2]}"}, page=f"{base}/play")
    assert nav_states(client.get(f"{base}/play").get_data(as_text=True))[order[2]] == "is-open"


def test_no_flag_after_the_submit_and_no_flag_of_a_question_not_in_the_round(
        app, client, auth, create, make_quiz):
    from trainer.quizzes.models import Attempt

    base, order = started(app, client, auth, create, make_quiz)
    auth.post(f"{base}/answers", {"action": "flag:999999"}, page=f"{base}/play")
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt)).flagged == []
    auth.post(f"{base}/answers", {"action": "submit"}, page=f"{base}/play")
    token = auth.csrf("/competitions")
    resp = client.post(f"{base}/answers", data={"csrf_token": token,
                                                "action": f"flag:{order[0]}"})
    assert resp.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        assert attempt.submitted_at is not None and attempt.flagged == []
