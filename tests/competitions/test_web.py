import re
from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.competitions.conftest import BEST_PATH, option_key, shift_round
from tests.conftest import bearer
from trainer.extensions import db
from trainer.models import utcnow

LOCAL = "%Y-%m-%dT%H:%M"


def _local(delta: timedelta) -> str:
    from zoneinfo import ZoneInfo

    return (utcnow() + delta).astimezone(ZoneInfo("Asia/Shanghai")).strftime(LOCAL)


def test_an_organiser_builds_a_contest_with_three_kinds_of_round(app, client, auth, users,
                                                                 make_quiz, make_scenario):
    quiz_id, _ids = make_quiz()
    slug = make_scenario()
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post("/competitions/new", {
        "title": "街道技能比武", "kind": "skill", "street": "S1",
        "starts_at": _local(-timedelta(hours=1)), "ends_at": _local(timedelta(days=1)),
        "team_by": "community", "team_size": "3", "visibility": "full",
        "appeal_hours": "2", "honour_title": "业务能手", "honour_top": "3",
        "practice_days": "30", "team_honour_top": "1"})
    assert resp.status_code == 302, re.findall(r'class="(?:error|flash)[^>]*>([^<]*)',
                                               resp.get_data(as_text=True))
    comp_path = resp.headers["Location"].removesuffix("/manage")
    rounds = [
        {"title": "笔试", "kind": "quiz", "weight": "60", "quiz": str(quiz_id),
         "time_limit": "20"},
        {"title": "情景", "kind": "scenario", "weight": "20", "scenario": slug},
        {"title": "实操", "kind": "judged", "weight": "20", "criteria": "沟通: 10\n方案：10",
         # a row of the judge and their community, both chosen from lists by name
         "judges": "trainer", "judge_communities-0-judge": "trainer",
         "judge_communities-0-community": "S1-C1"},
    ]
    for data in rounds:
        page = f"{comp_path}/rounds/new"
        resp = auth.post(page, data)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    resp = auth.post(f"{comp_path}/status", {"action": "open"}, page=f"{comp_path}/manage")
    assert resp.status_code == 302
    from trainer.competitions.models import AuditEntry, Competition

    with app.app_context():
        comp = db.session.scalar(sa.select(Competition))
        assert comp.status == "open" and comp.street.code == "S1"
        assert [(r.kind, r.weight) for r in comp.rounds] == [("quiz", 60), ("scenario", 20),
                                                             ("judged", 20)]
        assert comp.rounds[2].criteria == [{"name": "沟通", "max": 10}, {"name": "方案", "max": 10}]
        assert comp.rounds[2].judges[0].community.code == "S1-C1"
        actions = [a.action for a in db.session.scalars(sa.select(AuditEntry))]
        assert actions == ["create", "round.add", "round.add", "round.add", "open"]


@pytest.mark.parametrize(("criteria", "message"), [
    ("沟通: many", "Line 1: the maximum must be a whole number from 1 to 1000."),
    ("沟通: 10\na: ²", "Line 2: the maximum must be a whole number from 1 to 1000."),
    ("a: ⑤", "Line 1: the maximum must be a whole number from 1 to 1000."),
    ("a: 0", "Line 1: the maximum must be a whole number from 1 to 1000."),
    (": 5", "Line 1: write each criterion as “name: maximum”, e.g. “沟通: 10”."),
    ("沟通", "Line 1: write each criterion as “name: maximum”, e.g. “沟通: 10”."),
])
def test_a_bad_criteria_line_is_named_on_its_field(app, fresh, client, auth, create, criteria,
                                                   message):
    from trainer.competitions.models import Round

    comp_id = create()
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post(f"/competitions/{comp_id}/rounds/new",
                     {"title": "x", "kind": "judged", "weight": "5", "criteria": criteria})
    assert resp.status_code == 422
    errors = re.findall(r'class="error"[^>]*>([^<]*)', resp.get_data(as_text=True))
    assert errors == [message]
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Round)) == 1


def test_a_worker_enters_and_plays_a_quiz_round_on_the_web(app, client, auth, create, make_quiz):
    quiz_id, ids = make_quiz(n=2)
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    auth.login("worker")
    detail = client.get(f"/competitions/{comp_id}")
    assert detail.status_code == 200
    assert auth.post(f"/competitions/{comp_id}/enter",
                     page=f"/competitions/{comp_id}").status_code == 302
    resp = auth.post(f"/competitions/{comp_id}/rounds/1/start", page=f"/competitions/{comp_id}")
    assert resp.headers["Location"].endswith(f"/competitions/{comp_id}/rounds/1/play")
    play = client.get(f"/competitions/{comp_id}/rounds/1/play").get_data(as_text=True)
    assert "第1题" in play and "正确" in play and "fraction" not in play
    right, wrong = option_key(app, ids[0]), option_key(app, ids[1], "错误一")
    resp = auth.post(f"/competitions/{comp_id}/rounds/1/answers",
                     {f"q{ids[0]}": right, f"q{ids[1]}": wrong, "action": "submit"},
                     page=f"/competitions/{comp_id}/rounds/1/play")
    assert resp.status_code == 302
    assert client.get(f"/competitions/{comp_id}/rounds/1/review").status_code == 409
    shift_round(app, comp_id, 1, opens=timedelta(hours=-1), closes=timedelta(seconds=-1))
    review = client.get(f"/competitions/{comp_id}/rounds/1/review")
    assert review.status_code == 200 and "50.0" in review.get_data(as_text=True)
    html = review.get_data(as_text=True)  # answers as a trainee reads them, never ['A']
    assert f"您的答案：{right} · 正确答案：{right}" in html and "[&#39;" not in html


def test_a_worker_plays_a_scenario_round_without_feedback(app, client, auth, create,
                                                          make_scenario):
    comp_id = create(rounds=[{"title": "情景", "kind": "scenario", "scenario": make_scenario(),
                              "weight": 1}])
    auth.login("worker")
    auth.post(f"/competitions/{comp_id}/enter", page=f"/competitions/{comp_id}")
    auth.post(f"/competitions/{comp_id}/rounds/1/start", page=f"/competitions/{comp_id}")
    page = f"/competitions/{comp_id}/rounds/1/play"
    resp = auth.post(f"/competitions/{comp_id}/rounds/1/choose", {"choice": BEST_PATH[0]},
                     page=page)
    assert resp.status_code == 302
    text = client.get(page).get_data(as_text=True)
    assert "先让双方把话说完" not in text  # the feedback of the choice stays hidden
    auth.post(f"/competitions/{comp_id}/rounds/1/choose", {"choice": BEST_PATH[1]}, page=page)
    assert client.get(page).status_code == 302  # finished: back to the competition
    shift_round(app, comp_id, 1, opens=timedelta(hours=-1), closes=timedelta(seconds=-1))
    review = client.get(f"/competitions/{comp_id}/rounds/1/review").get_data(as_text=True)
    assert "结局：<span" in review and "已解决</span>" in review and "：success" not in review
    assert "您的选择：" in review


def test_page_leaves_are_counted_for_review(app, client, auth, create, make_quiz):
    quiz_id, _ids = make_quiz()
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    auth.login("worker")
    auth.post(f"/competitions/{comp_id}/enter", page=f"/competitions/{comp_id}")
    auth.post(f"/competitions/{comp_id}/rounds/1/start", page=f"/competitions/{comp_id}")
    play = f"/competitions/{comp_id}/rounds/1/play"
    for expected in (1, 2):
        resp = auth.post(f"/competitions/{comp_id}/rounds/1/leave", page=play)
        assert resp.get_json() == {"count": expected}
    auth.login("organiser")
    text = client.get(f"/competitions/{comp_id}/integrity").get_data(as_text=True)
    assert "2" in text and "<td>1</td>" in text


def test_same_address_near_identical_answers_are_flagged(app, client, auth, create, make_quiz,
                                                         workers):
    quiz_id, ids = make_quiz(n=6)
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    for name in ("worker", "w1"):
        token = auth.token(name)
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(token))
        attempt = client.post(f"/api/v1/competitions/{comp_id}/rounds/1/start",
                              headers=bearer(token)).get_json()
        for qid in ids:  # the same wrong option, whatever key each entrant's order gives it
            same = option_key(app, qid, "错误一", attempt["attempt_id"])
            client.put(f"/api/v1/attempts/{attempt['attempt_id']}/answers/{qid}",
                       json={"answer": same}, headers=bearer(token))
        client.post(f"/api/v1/attempts/{attempt['attempt_id']}/submit", headers=bearer(token))
    from trainer.competitions.integrity import integrity_flags
    from trainer.competitions.models import Competition

    with app.app_context():
        found = {f.kind: f for f in integrity_flags(db.session.get(Competition, comp_id))}
    assert found["same_address"].entrants == (1, 2)
    assert found["same_address"].detail["identical"] == 100
    assert "fast" in found  # six answers within a second or two


def test_appeal_window_resolution_and_publishing_waits(app, fresh, client, auth, create, workers):
    comp_id = create()
    token = auth.token("w1")
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(token))
    client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/w1",
               json={"criteria": {"沟通": 5, "方案": 5}}, headers=bearer(auth.token("trainer")))
    auth.login("w1")
    detail = f"/competitions/{comp_id}"
    auth.post(f"{detail}/rounds/1/appeal", {"text": "评分有误"}, page=detail)
    from trainer.competitions.models import Appeal, AuditEntry

    assert fresh.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 0  # open
    shift_round(app, comp_id, 1, opens=timedelta(hours=-1), closes=timedelta(minutes=-5))
    auth.post(f"{detail}/rounds/1/appeal", {"text": "评分有误"}, page=detail)
    with app.app_context():
        appeal = db.session.scalar(sa.select(Appeal))
        assert appeal.status == "open"
    refused = client.post(f"/api/v1/competitions/{comp_id}/publish",
                          json={"confirm": True},
                          headers=bearer(auth.token("organiser")))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "appeals_open"
    auth.login("organiser")
    page = f"/competitions/{comp_id}/appeals"
    resp = auth.post(f"{page}/{appeal.id}", {"decision": "upheld", "reason": "复核后加分",
                                             "percent": "80"}, page=page)
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Appeal, appeal.id).status == "upheld"
        row = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "appeal.resolve"))
        assert row.reason == "复核后加分" and '"after": 80.0' in row.detail
    board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                       headers=bearer(auth.token("organiser"))).get_json()
    assert board["entries"][0]["score"] == 80.0
    assert client.post(f"/api/v1/competitions/{comp_id}/publish",
                       json={"confirm": True},
                          headers=bearer(auth.token("organiser"))).status_code == 200
    auth.login("w1")
    auth.post(f"{detail}/rounds/1/appeal", {"text": "再申诉"}, page=detail)
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 1


def test_dashboard_export_and_certificate(app, client, auth, create, workers, make_quiz):
    comp_id = create(title="=HYPERLINK(\"http://x\")")
    for name, points in (("w1", 9), ("w2", 4)):
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token(name)))
        client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/{name}",
                   json={"criteria": {"沟通": points, "方案": points}},
                   headers=bearer(auth.token("trainer")))
    honours = client.post(f"/api/v1/competitions/{comp_id}/publish",
                          json={"confirm": True},
                          headers=bearer(auth.token("organiser"))).get_json()["honours"]
    auth.login("organiser")
    dash = client.get(f"/competitions/{comp_id}/dashboard")
    text = dash.get_data(as_text=True)
    assert dash.status_code == 200 and "<svg" in text and "S1社区" in text
    xlsx = client.get(f"/competitions/{comp_id}/results.xlsx")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == (1, 1, "张一", "S1社区", "S1街道") and rows[1][-1] == "业务能手"
    assert rows[1][-3] == 90.0
    code = honours[0]["certificate"]
    auth.login("w1")
    cert = client.get(f"/certificates/{code}/print")
    body = cert.get_data(as_text=True)
    assert cert.status_code == 200 and "<svg" in body and code in body
    assert f"/certificates/{code}" in body and "style=" not in body
    auth.login("w2")
    assert client.get(f"/certificates/{code}/print").status_code == 404


def test_answers_after_the_deadline_do_not_count(app, client, auth, create, make_quiz):
    from trainer.quizzes.models import Attempt

    quiz_id, ids = make_quiz(n=2)
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    auth.login("worker")
    auth.post(f"/competitions/{comp_id}/enter", page=f"/competitions/{comp_id}")
    auth.post(f"/competitions/{comp_id}/rounds/1/start", page=f"/competitions/{comp_id}")
    play = f"/competitions/{comp_id}/rounds/1/play"
    auth.post(f"/competitions/{comp_id}/rounds/1/answers", {f"q{ids[0]}": option_key(app, ids[0]),
                                                            "action": "save"}, page=play)
    token = auth.csrf(play)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        attempt.deadline = utcnow() - timedelta(minutes=5)
        db.session.commit()
    resp = client.post(f"/competitions/{comp_id}/rounds/1/answers",
                       data={"csrf_token": token, f"q{ids[1]}": option_key(app, ids[1]),
                             "action": "save"})
    assert resp.headers["Location"].endswith(f"/competitions/{comp_id}")
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        assert attempt.submitted_at is not None and attempt.percent == 50.0


def test_the_results_export_never_holds_a_live_formula(app, client, auth, create, make_user):
    names = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A2)",
             "=cmd|' /C calc'!A0"]
    for i, name in enumerate(names):
        make_user(f"f{i}", name=name)
    comp_id = create(rounds=[{"title": "=1+1", "kind": "judged", "weight": 1,
                              "criteria": [{"name": "沟通", "max": 10}], "judges": ["trainer"]}])
    for i in range(len(names)):
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token(f"f{i}")))
        client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/f{i}",
                   json={"criteria": {"沟通": 9 - i}}, headers=bearer(auth.token("trainer")))
    auth.login("organiser")
    sheet = load_workbook(BytesIO(client.get(f"/competitions/{comp_id}/results.xlsx").data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    shown = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert shown == names  # text cells: shown as typed (no apostrophe), never run
    assert all(row[2].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_the_plain_form_of_a_round_can_clear_an_answer(app, client, auth, create, make_quiz):
    from trainer.quizzes.models import AttemptAnswer

    quiz_id, ids = make_quiz(n=2)
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    auth.login("worker")
    auth.post(f"/competitions/{comp_id}/enter", page=f"/competitions/{comp_id}")
    auth.post(f"/competitions/{comp_id}/rounds/1/start", page=f"/competitions/{comp_id}")
    play, post = (f"/competitions/{comp_id}/rounds/1/play",
                  f"/competitions/{comp_id}/rounds/1/answers")
    auth.post(post, {f"q{ids[0]}": option_key(app, ids[0]),
                     f"q{ids[1]}": option_key(app, ids[1]), "action": "save"}, page=play)

    def stored():
        with app.app_context():
            return dict(db.session.execute(sa.select(AttemptAnswer.question_id,
                                                     AttemptAnswer.answer)).all())

    assert all(stored()[qid] is not None for qid in ids)
    html = client.get(play).get_data(as_text=True)
    markers = dict(re.findall(r'<input type="hidden" name="(q\d+-seen)" value="([^"]*)">', html))
    assert markers[f"q{ids[0]}-seen"] and markers[f"q{ids[1]}-seen"]
    # the first question's radio left unchecked: its answer is cleared, the second kept
    resp = auth.post(post, {**markers, f"q{ids[1]}": option_key(app, ids[1]),
                            "action": "save"}, page=play)
    assert resp.status_code == 302
    assert stored()[ids[0]] is None and stored()[ids[1]] is not None
    # without the markers (an old page) an empty field leaves the saved answer alone
    auth.post(post, {f"q{ids[0]}": option_key(app, ids[0]), "action": "save"}, page=play)
    auth.post(post, {"action": "save"}, page=play)
    assert stored()[ids[0]] is not None
