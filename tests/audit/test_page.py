"""The audit log page: scope, filters, pages, sentences, the .xlsx download."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.audit import events as audit
from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit


def _seed(app, org, users, make_user):
    """Deactivations of a worker of each street (by the admin) and one admin-only event."""
    other = make_user("li4", name="李四", unit="S2-C1-G1")
    with app_ctx(app):
        admin = db.session.get(User, users["admin"])
        admin.name = "张三"
        for uid in (users["worker"], other):
            audit.record("user_deactivated", actor=admin, subject=db.session.get(User, uid))
        audit.record("people_imported", actor=admin, details={"count": 3})
        db.session.commit()
        db.session.execute(sa.update(AuditEvent).values(
            at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC)))  # 14:00 in Beijing
        db.session.commit()
    return other


def test_admin_reads_every_event_as_a_chinese_sentence(app, client, auth, org, users,
                                                       make_user):
    _seed(app, org, users, make_user)
    auth.login("admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "张三（admin） 于 2026年12月1日 14:00 停用了账号 李四（li4）" in html
    assert "停用了账号 worker用户（worker）" in html
    assert "导入了 3 名人员" in html


def test_organisers_read_their_scope_only_and_others_are_refused(app, client, auth, org,
                                                                 users, make_user):
    _seed(app, org, users, make_user)
    make_user("org_s1", role="organiser", unit="S1")
    auth.login("org_s1")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "worker用户（worker）" in html and "李四" not in html and "导入了" not in html
    auth.logout()
    auth.login("organiser")  # the whole district: both streets, not the admins' own events
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "worker用户（worker）" in html and "李四（li4）" in html and "导入了" not in html
    auth.logout()
    for role in ("worker", "trainer"):
        auth.login(role)
        assert client.get("/admin/audit").status_code == 403
        assert client.get("/admin/audit.xlsx").status_code == 403
        auth.logout()


def test_an_organiser_of_another_district_sees_nothing_of_this_one(app, client, auth, org,
                                                                  users, make_user, make_unit):
    _seed(app, org, users, make_user)
    make_unit("D2", "另一区", "district")
    make_user("org_d2", role="organiser", unit="D2")
    auth.login("org_d2")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "停用了账号" not in html and "共 1 条记录" in html  # their own login


def test_filters_by_person_action_object_and_time(app, client, auth, org, users, make_user):
    _seed(app, org, users, make_user)
    auth.login("admin")  # the login itself is an event (today)

    def shown(**args):
        html = client.get("/admin/audit", query_string=args).get_data(as_text=True)
        return html.split("共 ")[1].split(" 条")[0]

    assert shown() == "4"
    assert shown(person="李四") == "1"  # the person the event is about
    assert shown(person="admin") == "4"  # the actor, by username
    assert shown(action="people_imported") == "1"
    assert shown(action="user_deactivated", object="worker") == "1"
    assert shown(type="user") == "2"
    worker = users["worker"]
    assert shown(object=f"#{worker}") == "1"
    assert shown(**{"from": "2026-12-01", "to": "2026-12-01"}) == "3"
    assert shown(**{"to": "2026-11-30"}) == "0"
    assert shown(**{"from": "2026-12-02"}) == "1"  # the login, later
    assert shown(person="100%_") == "0"  # LIKE characters are text
    bad = client.get("/admin/audit?from=yesterday")
    assert bad.status_code == 400 and "不是形如" in bad.get_data(as_text=True)


def test_pages_of_thirty(app, client, auth, org, users):
    with app_ctx(app):
        admin = db.session.get(User, users["admin"])
        for n in range(35):
            audit.record("unit_renamed", actor=admin, object_type="unit", object_label=f"U{n}",
                         details={"before": f"V{n}"})
        db.session.commit()
    auth.login("admin")
    first = client.get("/admin/audit?action=unit_renamed").get_data(as_text=True)
    assert first.count("<li><p>") == 30 and 'rel="next"' in first
    second = client.get("/admin/audit?action=unit_renamed&page=2").get_data(as_text=True)
    assert second.count("<li><p>") == 5
    assert "将单位 V0 改名为 U0" in second  # the oldest, last


def test_xlsx_download_follows_the_filters_and_never_holds_a_formula(app, client, auth, org,
                                                                    users, make_user):
    _seed(app, org, users, make_user)
    with app_ctx(app):
        admin = db.session.get(User, users["admin"])
        audit.record("unit_created", actor=admin, object_type="unit",
                     object_label="=HYPERLINK(\"http://evil\")")
        db.session.commit()
    auth.login("admin")
    resp = client.get("/admin/audit.xlsx?type=unit")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert len(rows) == 2 and rows[1][2] == "新建单位"
    cell = sheet.cell(row=2, column=5)
    assert cell.value == "=HYPERLINK(\"http://evil\")" and cell.data_type == "s"
    everything = list(openpyxl.load_workbook(io.BytesIO(client.get(
        "/admin/audit.xlsx").data)).active.iter_rows(values_only=True))
    assert any(row[5] and "停用了账号 李四（li4）" in row[5] for row in everything)
    assert isinstance(everything[-1][0], datetime)
    assert abs(everything[-1][0] - datetime(2026, 12, 1, 14, 0)) < timedelta(seconds=1)


def test_the_organisers_download_is_scoped_too(app, client, auth, org, users, make_user):
    _seed(app, org, users, make_user)
    make_user("org_s1", role="organiser", unit="S1")
    auth.login("org_s1")
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(
        "/admin/audit.xlsx").data)).active.iter_rows(values_only=True))
    labels = [row[4] for row in rows[1:]]
    assert "worker用户（worker）" in labels and "李四（li4）" not in labels


def test_a_unit_of_the_street_scopes_the_event(app, org, users):
    with app_ctx(app):
        grid = db.session.get(Unit, org.ids["S2-C1-G2"])
        audit.record("unit_renamed", actor=None, unit=grid, object_type="unit")
        db.session.commit()
        event = db.session.scalar(sa.select(AuditEvent))
        assert (event.street_id, event.district_id) == (org.ids["S2"], org.ids["D"])
