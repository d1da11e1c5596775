from datetime import datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import app_ctx
from tests.plans import factories
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.models import Plan, PlanComment, TrainingSession

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)

CALC = "=cmd|' /C calc'!A0"


def _plans(app):
    with app_ctx(app):
        return db.session.execute(sa.select(Plan.street_id, Plan.year, Plan.status)).all()


def test_organiser_creates_plan_through_the_page(app, client, auth, users, org):
    auth.login("organiser")
    resp = auth.post("/plans", {"street": "S1", "year": "2026", "priorities": "化解纠纷为重点",
                                "departments": ["civil-affairs", "fire"],
                                "competencies": ["mediation"]}, page="/plans")
    assert resp.status_code == 302
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan))
        assert (plan.year, plan.status, plan.street_id) == (2026, "draft", org.ids["S1"])
        assert plan.departments == ["civil-affairs", "fire"]
        assert plan.competencies == ["mediation"]
    assert resp.headers["Location"] == f"/plans/{plan.id}"
    assert "化解纠纷为重点" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_second_plan_for_same_street_and_year_is_refused(app, client, auth, plan):
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post("/plans", {"street": "S1", "year": "2026"}, page="/plans")
    assert resp.status_code == 409
    assert "already has a plan for 2026" in resp.get_data(as_text=True)
    assert len(_plans(app)) == 1


def test_api_creates_and_lists_plans(client, api, users, org):
    resp = client.post("/api/v1/plans", headers=api("organiser"),
                       json={"street": "S2", "year": 2026, "priorities": "消防安全"})
    assert resp.status_code == 201
    new_id = resp.get_json()["id"]
    again = client.post("/api/v1/plans", headers=api("organiser"),
                        json={"street": "S2", "year": 2026, "priorities": ""})
    assert again.status_code == 409
    listed = client.get("/api/v1/plans?year=2026", headers=api("organiser")).get_json()
    assert {"id": new_id, "street": "S2", "year": 2026}.items() <= listed[0].items()
    assert client.get("/api/v1/plans?year=2025", headers=api("organiser")).get_json() == []


def test_api_plan_bad_input_names_the_field(client, api, users, org):
    for body, name in (({"year": 2026}, "street"), ({"street": "S1"}, "year"),
                       ({"street": "NOPE", "year": 2026}, "street"),
                       ({"street": "S1", "year": 1900}, "year"),
                       ({"street": "S1", "year": 2026, "departments": ["nope"]}, "departments")):
        resp = client.post("/api/v1/plans", headers=api("organiser"), json=body)
        assert resp.status_code == 422, body
        assert resp.get_json()["error"]["field"] == name


@pytest.mark.parametrize("extra,name", [
    ({"half1_focus": {"a": 1}}, "half1_focus"), ({"half2_focus": 5}, "half2_focus"),
    ({"priorities": 5}, "priorities"), ({"priorities": ["a"]}, "priorities"),
    ({"priorities": {"text": 1}}, "priorities"),
    ({"priorities": {"text": "t", "half1_focus": [1]}}, "half1_focus"),
    ({"departments": "organisation"}, "departments"), ({"departments": False}, "departments"),
    ({"competencies": {}}, "competencies"), ({"competencies": [1]}, "competencies"),
    ({"street": ["S1"]}, "street"), ({"year": "2026"}, "year"), ({"year": True}, "year"),
])
def test_api_plan_fields_keep_their_json_types(app, client, api, users, org, extra, name):
    body = {"street": "S1", "year": 2026, **extra}
    resp = client.post("/api/v1/plans", headers=api("organiser"), json=body)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == name
    assert _plans(app) == []


def test_api_plan_takes_priorities_as_an_object(app, client, api, users, org):
    body = {"street": "S1", "year": 2026, "priorities": {
        "text": "重点", "departments": ["fire"], "competencies": ["mediation"],
        "half1_focus": "上半年", "half2_focus": "下半年"}}
    assert client.post("/api/v1/plans", headers=api("organiser"), json=body).status_code == 201
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan))
        assert (plan.priorities, plan.departments, plan.half1_focus, plan.half2_focus) == (
            "重点", ["fire"], "上半年", "下半年")


def test_only_organisers_create_plans(client, api, users, org):
    for who in ("worker", "trainer", "admin"):
        resp = client.post("/api/v1/plans", headers=api(who), json={"street": "S1", "year": 2026})
        assert resp.status_code == 403


def test_street_organiser_plans_only_for_own_street(app, client, api, make_user, users):
    make_user("org_s1", role="organiser", unit="S1")
    mine = client.post("/api/v1/plans", headers=api("org_s1"), json={"street": "S1", "year": 2026})
    other = client.post("/api/v1/plans", headers=api("org_s1"),
                        json={"street": "S2", "year": 2026})
    assert (mine.status_code, other.status_code) == (201, 403)
    assert len(_plans(app)) == 1


def test_another_streets_plan_is_not_found(app, client, auth, api, make_user, users):
    s2_plan = factories.make_plan(app, street="S2")
    make_user("org_s1", role="organiser", unit="S1")
    assert client.get("/api/v1/plans", headers=api("org_s1")).get_json() == []
    auth.login("org_s1")
    assert client.get(f"/plans/{s2_plan}").status_code == 404
    assert client.get(f"/plans/{s2_plan}/export.xlsx").status_code == 404
    resp = client.post(f"/api/v1/plans/{s2_plan}/sessions", headers=api("org_s1"), json={})
    assert resp.status_code == 404


def test_workers_see_only_their_streets_approved_plans(app, fresh, client, api, users):
    draft = factories.make_plan(app, street="S1")
    fresh.update(Plan, draft, status='approved')
    factories.make_plan(app, street="S2")
    listed = client.get("/api/v1/plans", headers=api("worker")).get_json()
    assert [p["id"] for p in listed] == [draft]


def test_copy_forward_brings_priorities_and_sessions_a_year_on(app, client, auth, users):
    old = factories.make_plan(app, year=2025, text="去年重点", departments=["fire"])
    factories.make_session(app, old, datetime(2025, 4, 8, 9, tzinfo=LOCAL), title="去年场次")
    auth.login("organiser")
    resp = auth.post("/plans/copy", {"copy-street": "S1", "copy-year": "2026"}, page="/plans")
    assert resp.status_code == 302
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan).where(Plan.year == 2026))
        assert (plan.priorities, plan.departments, plan.copied_from_id) == (
            "去年重点", ["fire"], old)
        (copied,) = plan.sessions
        assert copied.title == "去年场次" and copied.half == 1
        assert copied.starts_at == datetime(2026, 4, 8, 9, tzinfo=LOCAL)
        assert [a.unit.code for a in copied.audience] == ["S1"]


def test_copy_forward_without_last_years_plan_changes_nothing(app, client, auth, users):
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post("/plans/copy", {"copy-street": "S1", "copy-year": "2026"}, page="/plans")
    assert resp.status_code == 422
    assert "has no plan for 2025" in resp.get_data(as_text=True)
    assert _plans(app) == []


def test_submit_return_resubmit_and_approve(app, client, auth, plan, make_user):
    client.set_cookie("lang", "en")
    make_user("org_s1", role="organiser", unit="S1")
    auth.login("org_s1")
    page = f"/plans/{plan}"
    assert auth.post(f"{page}/submit", page=page).status_code == 302
    # A street organiser cannot approve their own plan.
    auth.post(f"{page}/review", {"decision": "approve"}, page=page)
    assert _plans(app)[0].status == "submitted"
    auth.logout()
    auth.login("organiser")
    resp = auth.post(f"{page}/review", {"decision": "return", "comment": ""}, page=page,
                     follow_redirects=True)
    assert "a comment is required" in resp.get_data(as_text=True)
    assert _plans(app)[0].status == "submitted"
    auth.post(f"{page}/review", {"decision": "return", "comment": "补充下半年安排"}, page=page)
    assert _plans(app)[0].status == "draft"
    auth.post(f"{page}/submit", page=page)
    auth.post(f"{page}/review", {"decision": "approve", "comment": "同意"}, page=page)
    assert _plans(app)[0].status == "approved"
    with app.app_context():
        trail = [(c.action, c.text) for c in db.session.scalars(
            sa.select(PlanComment).order_by(PlanComment.id))]
    assert trail == [("submit", ""), ("return", "补充下半年安排"), ("submit", ""),
                     ("approve", "同意")]
    html = client.get(page).get_data(as_text=True)
    assert "补充下半年安排" in html


@pytest.mark.parametrize("status,words", [
    ("approved", "approved and can no longer be changed"),
    ("submitted", "under review"),
])
def test_plan_under_review_or_approved_cannot_be_edited(app, fresh, client, auth, plan, status,
                                                        words):
    fresh.update(Plan, plan, status=status)
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post(f"/plans/{plan}", {"priorities": "改动"}, page="/plans")
    assert resp.status_code == 409
    assert words in resp.get_data(as_text=True)  # said on the page, not only in the status
    assert fresh.get(Plan, plan).priorities == ""
    assert 'name="priorities"' not in client.get(f"/plans/{plan}").get_data(as_text=True)


def test_plain_comment_joins_the_review_trail(app, fresh, client, auth, plan, make_user):
    client.set_cookie("lang", "en")
    auth.login("organiser")
    page = f"/plans/{plan}"
    resp = auth.post(f"{page}/comments", {"remark": "  请补充消防实训  "}, page=page,
                     follow_redirects=True)
    assert resp.status_code == 200 and "Comment added." in resp.get_data(as_text=True)
    empty = auth.post(f"{page}/comments", {"remark": "   "}, page=page, follow_redirects=True)
    assert "The comment is empty." in empty.get_data(as_text=True)
    long = auth.post(f"{page}/comments", {"remark": "长" * 2001}, page=page,
                     follow_redirects=True)
    assert "The comment is too long." in long.get_data(as_text=True)
    with app.app_context():
        trail = [(c.action, c.text, c.author.username) for c in db.session.scalars(
            sa.select(PlanComment))]
    assert trail == [("comment", "请补充消防实训", "organiser")]
    assert "请补充消防实训" in client.get(page).get_data(as_text=True)
    auth.logout()
    make_user("org_s2", role="organiser", unit="S2")  # another street's organiser
    auth.login("org_s2")
    assert auth.post(f"{page}/comments", {"remark": "越权"}, page="/plans").status_code == 404
    assert fresh.scalar(sa.select(sa.func.count()).select_from(PlanComment)) == 1


def test_export_is_xlsx_with_neutralised_cells(app, client, auth, users):
    plan = factories.make_plan(app, text="=HYPERLINK(\"http://evil\",\"点我\")")
    factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL), title="@SUM(1+1)",
                           place="-2+3")
    auth.login("trainer")
    resp = client.get(f"/plans/{plan}/export.xlsx")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(resp.data))
    info, sessions = book.worksheets
    cells = {c.value: c.data_type for row in info.iter_rows() for c in row}
    assert cells["=HYPERLINK(\"http://evil\",\"点我\")"] == "s"  # as typed, a text cell
    row = {c.value: c.data_type for c in sessions[2]}
    assert row["@SUM(1+1)"] == "s" and row["-2+3"] == "s"
    assert all(c.data_type != "f" for ws in book.worksheets for r in ws.iter_rows() for c in r)


def test_export_writes_a_calc_payload_as_text(app, client, auth, users):
    plan = factories.make_plan(app)
    factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL), title=CALC)
    auth.login("trainer")
    sessions = load_workbook(BytesIO(client.get(f"/plans/{plan}/export.xlsx").data)).worksheets[1]
    title = sessions["B2"]
    assert (title.value, title.data_type) == (CALC, "s")


def test_export_writes_times_as_local_date_cells(app, client, auth, users):
    plan = factories.make_plan(app)
    starts = datetime(2026, 4, 8, 9, 30, tzinfo=LOCAL)
    factories.make_session(app, plan, starts, title="调解实务")
    auth.login("trainer")
    sessions = load_workbook(BytesIO(client.get(f"/plans/{plan}/export.xlsx").data)).worksheets[1]
    header = [c.value for c in sessions[1]]
    start_cell = sessions.cell(row=2, column=header.index("开始时间") + 1)
    end_cell = sessions.cell(row=2, column=header.index("结束时间") + 1)
    assert start_cell.is_date and end_cell.is_date
    assert start_cell.number_format == end_cell.number_format == "yyyy-mm-dd hh:mm"
    assert start_cell.value == datetime(2026, 4, 8, 9, 30)  # local wall time, not UTC 01:30
    assert end_cell.value > start_cell.value


def test_worker_cannot_open_plan_pages(client, auth, plan):
    auth.login("worker")
    assert client.get("/plans").status_code == 403
    assert client.get(f"/plans/{plan}").status_code == 403


def test_plans_index_lists_the_years_plans(app, fresh, client, auth, plan):
    auth.login("trainer")
    html = client.get("/plans?year=2026").get_data(as_text=True)
    assert "S1街道" in html
    assert "S1街道" not in client.get("/plans?year=2025").get_data(as_text=True)
    assert fresh.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 0


def test_a_plan_refusal_without_a_field_is_said_above_the_form_not_flashed(app, fresh, client, auth,
                                                                          plan):
    fresh.update(Plan, plan, status='approved')
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post(f"/plans/{plan}", {"priorities": "改动"}, page="/plans")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert ('<p class="error" role="alert">This plan is approved and can no longer be '
            "changed.</p>") in body
    assert "flash-error" not in body
