"""Publishing safely: the review of what is outstanding, the confirmation it needs, open
appeals that always refuse, and the honours' minimum score."""

from datetime import timedelta

import sqlalchemy as sa

from tests.competitions.test_standings_views import _enter_and_score
from tests.conftest import bearer
from trainer.extensions import db
from trainer.models import utcnow


def _end_now(app, comp_id):
    """Move the contest's end and every round's close into the past."""
    from trainer.competitions.models import Competition

    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        past = utcnow() - timedelta(minutes=1)
        comp.ends_at = past
        for rnd in comp.rounds:
            rnd.closes_at = past
        db.session.commit()


def _publish(client, auth, comp_id, **body):
    return client.post(f"/api/v1/competitions/{comp_id}/publish", json=body,
                       headers=bearer(auth.token("organiser")))


def _state(app, comp_id):
    from trainer.competitions.models import Competition, Honour

    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        honours = db.session.scalar(sa.select(sa.func.count()).select_from(Honour))
        return comp.status, [r.closed_at for r in comp.rounds], honours


def _open_appeal(app, comp_id, username):
    from trainer.auth.models import User
    from trainer.competitions.models import Appeal, Competition, Entry

    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        user = db.session.scalar(sa.select(User).where(User.username == username))
        entry = db.session.scalar(sa.select(Entry).where(Entry.user_id == user.id))
        db.session.add(Appeal(round_id=comp.rounds[0].id, entry_id=entry.id, text="评分有误"))
        db.session.commit()


def test_each_outstanding_kind_refuses_without_confirm_and_changes_nothing(
        app, client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": None})
    before = _state(app, comp_id)
    resp = _publish(client, auth, comp_id, reason="提前发布")
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "not_ready" and error["message"]
    kinds = {item["kind"]: item for item in error["outstanding"]}
    assert kinds["round_open"] == {"kind": "round_open", "round": 1}
    assert kinds["sheets_missing"]["round"] == 1
    assert kinds["sheets_missing"]["judge"] == "trainer"
    assert len(kinds["sheets_missing"]["entrants"]) == 1  # w2 only: w1 was scored
    assert kinds["contest_not_ended"]["ends_at"].endswith("Z")
    assert "appeals_open" not in kinds
    assert _state(app, comp_id) == before == ("open", [None], 0)


def test_confirm_publishes_despite_outstanding_items(app, client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": None})
    resp = _publish(client, auth, comp_id, confirm=True, reason="现场确认")
    assert resp.status_code == 200
    assert [h["username"] for h in resp.get_json()["honours"]] == ["w1"]
    assert _state(app, comp_id)[0] == "published"


def test_nothing_outstanding_publishes_without_confirm(app, client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": 4})
    _end_now(app, comp_id)
    resp = _publish(client, auth, comp_id)
    assert resp.status_code == 200, resp.get_json()
    assert _state(app, comp_id)[0] == "published"


def test_open_appeals_block_even_with_confirm(app, client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": 4})
    _end_now(app, comp_id)
    _open_appeal(app, comp_id, "w2")
    resp = _publish(client, auth, comp_id, confirm=True)
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "appeals_open"
    assert {"kind": "appeals_open", "count": 1} in error["outstanding"]
    assert _state(app, comp_id)[0] == "open"
    auth.login("organiser")
    page = client.get(f"/competitions/{comp_id}/publish").get_data(as_text=True)
    assert "1 条申诉未处理" in page and 'name="confirm"' not in page
    auth.post(f"/competitions/{comp_id}/publish", {"confirm": "y"},
              page=f"/competitions/{comp_id}/publish")
    assert _state(app, comp_id)[0] == "open"


def test_confirm_must_be_a_boolean(app, client, auth, create, workers):
    comp_id = create()
    resp = _publish(client, auth, comp_id, confirm="yes")
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "confirm"
    assert _state(app, comp_id)[0] == "open"


def test_review_page_lists_outstanding_and_honours_and_needs_the_box(
        app, client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": None})
    auth.login("organiser")
    page = f"/competitions/{comp_id}/publish"
    text = client.get(page).get_data(as_text=True)
    assert "发布前核对" in text and "第 1 轮仍在进行" in text
    assert "评委 trainer用户 尚未给 李二 评分" in text and "比赛尚未结束" in text
    assert "张一" in text and "业务能手" in text and "90.00" in text  # who, honour, score
    assert "我已核对，确认发布" in text
    resp = auth.post(page, {"reason": "不勾选"}, page=page)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(page)
    assert _state(app, comp_id) == ("open", [None], 0)
    assert "请勾选确认框" in client.get(page).get_data(as_text=True)
    resp = auth.post(page, {"reason": "已核对", "confirm": "y"}, page=page)
    assert resp.status_code == 302
    assert _state(app, comp_id)[0] == "published"


def test_honour_min_score_excludes_low_scores(app, client, auth, create, workers):
    comp_id = create(honours=[{"title": "业务能手", "top": 3, "min_score": 60}])
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": 4})  # 90 and 40 of 100
    resp = _publish(client, auth, comp_id, confirm=True)
    assert [h["username"] for h in resp.get_json()["honours"]] == ["w1"]


def test_honour_min_score_is_checked(client, auth, users):
    from tests.competitions.conftest import body

    token = bearer(auth.token("organiser"))
    for bad in (-1, 101, "60", True):
        resp = client.post("/api/v1/competitions", headers=token,
                           json=body(honours=[{"title": "业务能手", "top": 3, "min_score": bad}]))
        assert resp.status_code == 422, bad
        assert resp.get_json()["error"]["field"] == "honours[0].min_score"
    resp = client.post("/api/v1/competitions", headers=token,
                       json=body(honours=[{"title": "业务能手", "top": 3, "min_score": 60}]))
    assert resp.status_code == 201, resp.get_json()
