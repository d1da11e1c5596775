"""The roll call is one form: rows start unmarked, unmarked rows stay as they were, and
the 全部出勤 / 全部缺勤 buttons mark every row left unmarked (no JavaScript needed)."""

from tests.plans import factories
from tests.plans.factories import user


def _ids(app, *names):
    with app.app_context():
        return [user(n).id for n in names]


def test_rows_start_unmarked_in_one_form(app, client, auth, make_user, live):
    make_user("w2", role="worker", unit="S1-C1-G2")
    auth.login("trainer")
    html = client.get(f"/sessions/{live}/rollcall").get_data(as_text=True)
    assert html.count(f'action="/sessions/{live}/rollcall') == 1
    assert "未标记（保持不变）" in html and "全部出勤" in html and "全部缺勤" in html
    assert "selected>出勤" not in html  # nobody is credited by default


def test_saving_without_marks_changes_nothing(app, client, auth, make_user, live):
    make_user("w2", role="worker", unit="S1-C1-G2")
    worker, w2 = _ids(app, "worker", "w2")
    auth.login("trainer")
    page = f"/sessions/{live}/rollcall"
    resp = auth.post(page, {"user_id": [worker, w2], f"status-{worker}": "",
                            f"status-{w2}": ""}, follow_redirects=True)
    assert "没有标记任何人" in resp.get_data(as_text=True)
    assert factories.rows(app) == []


def test_row_choices_and_unmarked_rows(app, client, auth, make_user, live):
    make_user("w2", role="worker", unit="S1-C1-G2")
    worker, w2 = _ids(app, "worker", "w2")
    auth.login("trainer")
    page = f"/sessions/{live}/rollcall"
    auth.post(page, {"user_id": [worker, w2], f"status-{worker}": "absent",
                     f"status-{w2}": ""})
    assert [(r.user_id, r.status) for r in factories.rows(app)] == [(worker, "absent")]


def test_bulk_marks_rows_left_unmarked_and_keeps_explicit_ones(app, client, auth, make_user,
                                                                live):
    make_user("w2", role="worker", unit="S1-C1-G2")
    worker, w2 = _ids(app, "worker", "w2")
    auth.login("trainer")
    page = f"/sessions/{live}/rollcall"
    resp = auth.post(page, {"user_id": [worker, w2], f"status-{worker}": "excused",
                            f"status-{w2}": "", "bulk": "present"}, follow_redirects=True)
    assert "已保存 2 人的考勤" in resp.get_data(as_text=True)
    assert sorted((r.user_id, r.status) for r in factories.rows(app)) == sorted(
        [(worker, "excused"), (w2, "present")])
    auth.post(page, {"user_id": [worker, w2], "bulk": "absent"})
    assert {r.status for r in factories.rows(app)} == {"absent"}


def test_unknown_bulk_status_saves_nothing(app, client, auth, make_user, live):
    worker, = _ids(app, "worker")
    auth.login("trainer")
    auth.post(f"/sessions/{live}/rollcall", {"user_id": [worker], "bulk": "cheer"})
    assert factories.rows(app) == []
