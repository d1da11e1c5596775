"""Erasing a person: the account and every free text typed by them or naming them take a
pseudonym, sessions end, records stay (the district's statistics do not move), no page,
API answer or export names them any more, and a restore re-applies the erasure."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions, app_ctx, bearer
from tests.plans import factories as plan_factories
from trainer.auth import erasure
from trainer.auth.erasers import PLACEHOLDER, Eraser, erasers
from trainer.auth.models import Erasure, RetentionSetting, User
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.models import utcnow

NAME, USERNAME, PHONE = "王小明", "wangxm", "13912345678"
NEEDLES = (NAME, USERNAME, PHONE)


def _user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


@pytest.fixture
def person(app, users, make_user):
    """A worker with something in every domain that keeps their text or their name."""
    from trainer.competitions.models import Appeal, AuditEntry, Honour
    from trainer.competitions.publishing import issue_certificate
    from trainer.competitions.services import create_competition, enter
    from trainer.competitions.spec import parse_competition
    from trainer.plans.models import Attendance, Feedback, PlanComment
    from trainer.quizzes.models import Attempt, ImportDraft

    uid = make_user(USERNAME, name=NAME)
    plan_id = plan_factories.make_plan(app)
    session_id = plan_factories.make_session(app, plan_id, utcnow() - timedelta(days=3))
    now = utcnow()
    with app_ctx(app):
        me = db.session.get(User, uid)
        me.phone = PHONE
        organiser = _user("organiser")
        db.session.add_all([
            Feedback(session_id=session_id, user_id=uid, rating=4,
                     comment=f"讲得好，我是{NAME}，电话{PHONE}"),
            Attendance(session_id=session_id, user_id=uid, status="present", method="manual",
                       hours_credited=2),
            PlanComment(plan_id=plan_id, author_id=organiser.id, action="comment",
                        text=f"请{NAME}补充入户材料"),
            PlanComment(plan_id=plan_id, author_id=uid, action="comment", text="我的意见"),
            ImportDraft(token="t" * 40, user_id=uid, filename=f"{NAME}的题.xlsx",
                        bank_name="草稿"),
            Attempt(user_id=uid, context="practice", series="practice", label="练习",
                    questions=[], score=3, max_score=5, percent=60, passed=True,
                    submitted_at=now),
        ])
        comp = create_competition(organiser, parse_competition({
            "title": "隐私测试竞赛", "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
            "rounds": [{"title": "实操", "kind": "judged", "weight": 1,
                        "criteria": [{"name": "沟通", "max": 10}], "judges": ["trainer"]}]}))
        entry, _new = enter(me, comp)
        honour = Honour(competition_id=comp.id, title="业务能手", entry_id=entry.id,
                        user_id=uid, rank=1)
        db.session.add_all([
            Appeal(round_id=comp.rounds[0].id, entry_id=entry.id, text=f"{NAME}申诉：成绩有误"),
            AuditEntry(competition_id=comp.id, user_id=organiser.id, action="score",
                       detail=f"{USERNAME} 的成绩改为 8", reason=f"{NAME}的申诉成立"),
            honour])
        cert = issue_certificate(honour)
        db.session.commit()
        return {"id": uid, "plan": plan_id, "session": session_id, "comp": comp.id,
                "cert": cert.code, "issued_on": cert.issued_on}


def _erase_on_the_web(client, person_id, reason="本人书面申请"):
    auth = AuthActions(client)
    auth.login("admin")
    page = client.get(f"/admin/users/{person_id}/erase")
    assert page.status_code == 200 and "不可撤销" in page.get_data(as_text=True)
    return auth.post(f"/admin/users/{person_id}/erase",
                     {"reason": reason, "confirm": "y"})


def _texts(app) -> str:
    """Every text column of the tables erasure touches, as one string."""
    from trainer.competitions.models import Appeal, AuditEntry, Certificate
    from trainer.plans.models import Feedback, PlanComment
    from trainer.quizzes.models import ImportDraft

    with app_ctx(app):
        parts = [*db.session.scalars(sa.select(Feedback.comment)),
                 *db.session.scalars(sa.select(PlanComment.text)),
                 *db.session.scalars(sa.select(Appeal.text)),
                 *db.session.scalars(sa.select(Appeal.resolution)),
                 *db.session.scalars(sa.select(AuditEntry.detail)),
                 *db.session.scalars(sa.select(AuditEntry.reason)),
                 *db.session.scalars(sa.select(Certificate.holder_name)),
                 *db.session.scalars(sa.select(ImportDraft.filename)),
                 *db.session.scalars(sa.select(Erasure.reason)),
                 *(f"{u.name} {u.username} {u.phone}" for u in db.session.scalars(
                     sa.select(User)))]
    return "\n".join(p or "" for p in parts)


def test_the_confirmation_says_what_happens_and_nothing_changes_without_it(
        app, client, person, fresh):
    auth = AuthActions(client)
    auth.login("admin")
    page = client.get(f"/admin/users/{person['id']}/erase").get_data(as_text=True)
    assert "已删除用户" in page and "session_feedback.comment" in page
    resp = auth.post(f"/admin/users/{person['id']}/erase", {"reason": "本人申请"},
                     page=f"/admin/users/{person['id']}/erase")
    assert resp.status_code == 422
    assert fresh.get(User, person["id"]).name == NAME


def test_erasure_scrubs_the_person_and_keeps_their_records(app, client, person, fresh,
                                                           runner, tmp_path):
    worker_token = AuthActions(app.test_client()).token(USERNAME)
    before = _records(runner, tmp_path / "before.csv")
    resp = _erase_on_the_web(client, person["id"], reason=f"{NAME}本人书面申请")
    assert resp.status_code == 302

    user = fresh.get(User, person["id"])
    assert user.name.startswith("已删除用户·") and user.username.startswith("erased_")
    assert user.phone is None and user.active and user.erased_at is not None  # still counted
    text = _texts(app)
    assert not [n for n in NEEDLES if n in text], text
    assert PLACEHOLDER in text and "我的意见" not in text
    row = fresh.scalar(sa.select(Erasure))
    assert row.by_id == fresh.scalar(sa.select(User.id).where(User.username == "admin"))
    assert row.reason == f"{user.name}本人书面申请"
    assert app.test_client().get("/api/v1/me", headers=bearer(worker_token)).status_code == 401
    assert AuthActions(app.test_client()).login(USERNAME).status_code == 401  # refused

    after = _records(runner, tmp_path / "after.csv")
    assert _without_names(after) == _without_names(before)  # the statistics do not move
    assert not [n for n in NEEDLES if n in (tmp_path / "after.csv").read_text("utf-8-sig")]


def _records(runner, path):
    result = runner.invoke(args=["records", "export", "--year", str(utcnow().year),
                                 "--format", "csv", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def _without_names(rows):
    return sorted(tuple(sorted((k, v) for k, v in r.items() if k not in ("姓名", "用户名")))
                  for r in rows)


def _fill(rule, ctx):
    """The rule's path with its arguments from ``ctx`` (by argument name), or None."""
    path = rule.rule
    for arg in rule.arguments:
        value = ctx.get(arg)
        if value is None:
            return None
        path = re.sub(r"<(?:[^:<>]+:)?" + arg + ">", str(value), path)
    return path


def _text_of(resp) -> str:
    """A response's text; for a spreadsheet (a zip), the text of every part inside."""
    data = resp.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


def test_no_page_or_api_answer_names_the_erased_person(app, client, person):
    _erase_on_the_web(client, person["id"])
    with app_ctx(app):
        ctx = {"user_id": person["id"], "plan_id": person["plan"],
               "session_id": person["session"], "comp_id": person["comp"],
               "competition_id": person["comp"], "id": person["comp"],
               "code": person["cert"], "year": utcnow().year}
    seen = 0
    for username in ("admin", "organiser", "trainer"):
        caller = app.test_client()
        AuthActions(caller).login(username)
        headers = bearer(AuthActions(app.test_client()).token(username))
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith(("/static", "/lang")) \
                    or "logout" in rule.rule:
                continue
            path = _fill(rule, ctx)
            if path is None:
                continue
            resp = caller.get(path, headers=headers if path.startswith("/api/") else None)
            body = _text_of(resp) if resp.status_code == 200 else ""
            found = [n for n in NEEDLES if n in body]
            assert not found, (username, path, found)
            seen += resp.status_code == 200
    assert seen > 50


def test_the_certificate_page_says_the_holder_was_erased(app, client, person):
    _erase_on_the_web(client, person["id"])
    page = app.test_client().get(f"/certificates/{person['cert']}").get_data(as_text=True)
    assert "应本人要求删除" in page and "业务能手" in page
    assert person["issued_on"].isoformat() in page and NAME not in page


@pytest.mark.parametrize("case", ["self", "last-admin", "already"])
def test_erasure_is_refused_with_a_reason(db_ctx, users, make_user, case):
    admin = _user("admin")
    if case == "self":
        target, by, says = admin, admin, "自己"
    elif case == "last-admin":
        target, by, says = admin, None, "最后一位"
    else:
        target, by = _user("worker"), admin
        erasure.erase(target, by=admin, reason="本人申请")
        says = "已于"
    with pytest.raises(erasure.ErasureRefused) as refused:
        erasure.erase(target, by=by, reason="x")
    assert says in refused.value.message


def test_erasing_oneself_is_refused_on_the_page(client, users, fresh):
    auth = AuthActions(client)
    auth.login("admin")
    page = client.get(f"/admin/users/{users['admin']}/erase").get_data(as_text=True)
    assert "自己" in page and 'name="reason"' not in page
    resp = auth.post(f"/admin/users/{users['admin']}/erase", {"reason": "x", "confirm": "y"},
                     page="/admin/users")
    assert resp.status_code == 422 and fresh.get(User, users["admin"]).erased_at is None


def test_bulk_erasure_of_deactivated_accounts_past_retention_is_all_or_nothing_per_person(
        app, client, users, make_user, fresh, org):
    from trainer.quizzes.models import ImportDraft

    ids = {name: make_user(name, name=f"{name}姓名") for name in ("old1", "old2", "old3", "recent")}
    with app_ctx(app):
        long_ago = utcnow() - timedelta(days=40)
        for name in ("old1", "old2", "old3"):
            u = _user(name)
            u.active, u.deactivated_at = False, long_ago
        u = _user("recent")
        u.active, u.deactivated_at = False, utcnow() - timedelta(days=5)
        db.session.add(ImportDraft(token="x" * 40, user_id=_user("old2").id, filename="f",
                                   bank_name="b"))
        db.session.commit()
        old2 = _user("old2").id

    def failing(erased):
        if erased.user_id == old2:
            raise DomainError("模拟失败")

    erasers.register("test-failing", Eraser(columns=(), scrub=failing))
    try:
        auth = AuthActions(client)
        auth.login("admin")
        assert "0" in client.get("/admin/erasures").get_data(as_text=True)
        resp = auth.post("/admin/erasures/retention", {"district": "D", "days": "30"},
                         page="/admin/erasures")
        assert resp.status_code == 302
        assert fresh.get(RetentionSetting, org.ids["D"]).days == 30
        page = client.get("/admin/erasures/bulk").get_data(as_text=True)
        assert "old1" in page and "recent" not in page
        resp = auth.post("/admin/erasures/bulk", {"reason": "超过保留期", "confirm": "y"})
        assert resp.status_code == 302
    finally:
        erasers._items.pop("test-failing")
    names = dict(fresh.all(sa.select(User.id, User.name)))
    erased = {u for u, n in names.items() if n.startswith("已删除用户")}
    assert {ids["old1"], ids["old3"]} == erased
    with app_ctx(app):
        assert db.session.get(User, ids["old2"]).name == "old2姓名"
        assert db.session.get(User, ids["recent"]).erased_at is None
        assert db.session.scalar(sa.select(sa.func.count(ImportDraft.id))) == 1  # kept whole


def test_a_restore_re_applies_erasures_recorded_after_the_backup(
        stamped, client, person, second_site, backup_file):
    from trainer.privacy import backup

    with stamped.app_context():
        backup.create(backup_file)
    _erase_on_the_web(client, person["id"])
    with stamped.app_context():
        pseudonym = db.session.get(User, person["id"]).name
    site = second_site()
    result = site.test_cli_runner().invoke(args=["backup", "restore", backup_file])
    assert result.exit_code == 0, result.output
    assert "erasures re-applied: 1" in result.output
    restored = _texts(site)
    assert not [n for n in NEEDLES if n in restored], restored
    with site.app_context():
        user = db.session.get(User, person["id"])
        assert user.name == pseudonym and user.erased_at is not None
        assert db.session.scalar(sa.select(sa.func.count(Erasure.id))) == 1
    again = site.test_cli_runner().invoke(args=["backup", "restore", backup_file, "--force"])
    assert "erasures re-applied: 1" in again.output  # every restore, every time


def test_a_worker_sees_and_downloads_their_data(app, client, person):
    AuthActions(client).login(USERNAME)
    page = client.get("/me/data").get_data(as_text=True)
    assert NAME in page and PHONE in page and "讲得好" in page
    resp = client.get("/me/data.json")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    data = resp.get_json()
    assert data["account"]["username"] == USERNAME
    assert data["plans"]["feedback"][0]["rating"] == 4
    assert data["quizzes"]["attempts"][0]["percent"] == 60
    assert data["competitions"]["certificates"][0]["honour_title"] == "业务能手"
    assert "organiser" not in resp.get_data(as_text=True)  # nobody else's data


def test_job_reports_and_error_lines_naming_the_person_are_scrubbed(app, person, users,
                                                                   db_ctx):
    from trainer.jobs.models import Job

    job = Job(kind="people-import", owner_id=users["admin"], title="导入人员",
              message=f"导入完成，{NAME}已存在", error_count=1,
              errors=[f"第 7 行：用户名 {USERNAME} 已被占用"])
    db.session.add(job)
    db.session.flush()
    erasure.erase(db.session.get(User, person["id"]), by=db.session.get(User, users["admin"]),
                  reason="本人申请")
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert not [n for n in NEEDLES if n in job.message + "".join(job.errors)]
    assert "已删除用户" in job.message and job.errors[0].startswith("第 7 行")
