"""Annual assessment: the default rule and a district's own, suggestions with their
evidence, bulk confirmation (with its confirmation step), overrides with a reason
(audited), and the export: one row per worker matching the database, numbers typed, no
live formula, the rating columns filled; a street organiser's export is their street's."""

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from tests.records.seed import YEAR, seed
from trainer.extensions import db
from trainer.records.assessment import DEFAULT_RULE, Rule, suggest


@pytest.mark.parametrize(("hours", "assign", "quiz", "rating"), [
    (32, 100, 85, "excellent"), (31.9, 100, 85, "good"), (32, 99, 85, "good"),
    (24, 90, 75, "good"), (23.9, 90, 75, "pass"), (16, 60, 60, "pass"),
    (15.9, 100, 100, "fail"), (40, 59, 100, "fail"), (40, 100, 59.9, "fail"),
    (40, 100, None, "fail"),
])
def test_the_default_rule_is_designs(hours, assign, quiz, rating):
    assert DEFAULT_RULE.target_hours == 24
    assert suggest(DEFAULT_RULE, hours, assign, quiz) == rating


def test_a_rule_moves_every_threshold_with_its_target():
    rule = Rule(target_hours=10, is_default=False)
    assert suggest(rule, 18, 100, 85) == "excellent"
    assert suggest(rule, 2, 60, 60) == "pass"


@pytest.fixture
def seeded(app, users, make_user):
    make_user("org_s1", role="organiser", unit="S1")
    seed(app, 12)
    return app


def _post(client, path, data, page):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


RULE = {"target_hours": "10", "excellent_hours": "8", "excellent_assignments": "100",
        "excellent_quiz": "85", "good_hours": "0", "good_assignments": "90",
        "good_quiz": "70", "pass_hours": "-8", "pass_assignments": "60", "pass_quiz": "0"}


def test_a_district_organiser_sets_the_rule_and_street_organisers_read_it(seeded, client,
                                                                          auth):
    from trainer.records.models import AssessmentAudit, AssessmentRule

    auth.login("org_s1")
    page = client.get(f"/records/assessment/rule?year={YEAR}").get_data(as_text=True)
    assert "默认" in page and 'name="target_hours"' not in page
    assert _post(client, f"/records/assessment/rule?year={YEAR}", RULE,
                 f"/records/ratings?year={YEAR}").status_code == 403
    auth.logout()
    auth.login("organiser")
    resp = _post(client, f"/records/assessment/rule?year={YEAR}", RULE,
                 f"/records/assessment/rule?year={YEAR}")
    assert resp.status_code == 302
    bad = _post(client, f"/records/assessment/rule?year={YEAR}",
                {**RULE, "good_quiz": "120"}, f"/records/assessment/rule?year={YEAR}")
    assert bad.status_code == 200 and "0 到 100" in bad.get_data(as_text=True)
    with app_ctx(seeded):
        rule = db.session.scalar(sa.select(AssessmentRule))
        assert (rule.year, rule.target_hours, rule.good_quiz) == (YEAR, 10, 70)
        assert [a.action for a in db.session.scalars(sa.select(AssessmentAudit))] == ["rule"]
    auth.logout()
    auth.login("org_s1")
    page = client.get(f"/records/assessment/rule?year={YEAR}").get_data(as_text=True)
    assert "默认规则" not in page and ">18.0<" in page  # 优秀: 10 + 8 hours


def _export(client, fmt="xlsx", query=""):
    resp = client.get(f"/records/export?year={YEAR}&format={fmt}{query}")
    assert resp.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    return [[c for c in row] for row in sheet.iter_rows()]


def test_bulk_confirmation_needs_its_box_and_keeps_decided_ratings(seeded, client, auth):
    from trainer.records.models import AssessmentAudit, Rating

    auth.login("org_s1")
    with app_ctx(seeded):
        from trainer.auth.models import User
        from trainer.org.services import unit_by_code

        s1 = unit_by_code("S1").id
        mine = db.session.scalar(sa.select(User.id).where(User.username == "s0001"))
    page = f"/records/ratings?year={YEAR}&unit={s1}"
    assert "确认 7 项建议评定" in client.get(page).get_data(as_text=True)  # 6 seeded + worker
    # no box ticked: nothing happens
    _post(client, f"/records/ratings/confirm?year={YEAR}&unit={s1}", {}, page)
    with app_ctx(seeded):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 0
    # an override first, with its reason required
    refused = _post(client, f"/records/ratings/{mine}?year={YEAR}", {"final": "excellent",
                                                                    "reason": ""}, page)
    assert refused.status_code == 200
    resp = _post(client, f"/records/ratings/{mine}?year={YEAR}",
                 {"final": "excellent", "reason": "抗洪抢险表现突出"}, page)
    assert resp.status_code == 302
    resp = _post(client, f"/records/ratings/confirm?year={YEAR}&unit={s1}",
                 {"confirm": "y"}, page)
    assert resp.status_code == 302
    with app_ctx(seeded):
        ratings = {r.user_id: r for r in db.session.scalars(sa.select(Rating))}
        assert len(ratings) == 7
        assert (ratings[mine].final, ratings[mine].status) == ("excellent", "overridden")
        assert ratings[mine].reason == "抗洪抢险表现突出"
        actions = sorted(a.action for a in db.session.scalars(sa.select(AssessmentAudit)))
        assert actions == ["confirm"] * 6 + ["override"]
    rows = _export(client)
    header = [c.value for c in rows[0]]
    by_name = {r[4].value: r for r in rows[1:]}
    col = {name: header.index(name) for name in ("建议评定", "最终评定", "评定状态", "调整理由")}
    assert by_name["s0001"][col["最终评定"]].value == "优秀"
    assert by_name["s0001"][col["评定状态"]].value == "已调整"
    assert by_name["s0001"][col["调整理由"]].value == "抗洪抢险表现突出"
    assert all(r[col["建议评定"]].value and r[col["最终评定"]].value for r in rows[1:])
    assert set(by_name) == {"worker", *{f"s{i:04d}" for i in range(12) if i % 4 < 2}}


def test_the_export_matches_the_database_with_typed_numbers(seeded, client, auth):
    auth.login("organiser")
    rows = _export(client)
    header = [c.value for c in rows[0]]
    assert header[:7] == ["街道", "社区", "网格", "姓名", "用户名", "年度", "半年"]
    got = {r[4].value: {h: c for h, c in zip(header, r, strict=True)} for r in rows[1:]}
    assert len(got) == 13  # 12 seeded and "worker"
    expected = _from_database(seeded)
    for username, figures in expected.items():
        row = got[username]
        for name, value in figures.items():
            cell = row[name]
            assert cell.value == value, (username, name)
            if isinstance(value, int | float):
                assert cell.data_type == "n", (username, name)
    for row in got.values():
        for cell in row.values():
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith("="))
        assert row["建议评定"].value in ("优秀", "良好", "合格", "不合格")
        assert row["最终评定"].value == row["建议评定"].value
    some = got["s0001"]
    assert some["情景演练"].value == 1
    assert some["化解纠纷（%）"].value == 41  # mediation: 40 + 1
    assert some["语言沟通（%）"].value == 31


def _from_database(app) -> dict:
    """Per worker, straight from the rows: hours (ended sessions and courses), sessions,
    courses, attempts and the runs."""
    from datetime import UTC, datetime

    from trainer.auth.models import User
    from trainer.learning.models import Enrollment
    from trainer.plans.models import Attendance, TrainingSession
    from trainer.quizzes.models import Attempt
    from trainer.simulation.models import Run

    now = datetime.now(UTC)
    out = {}
    with app_ctx(app):
        for uid, username in db.session.execute(sa.select(User.id, User.username).where(
                User.role == "worker")):
            sessions = db.session.execute(
                sa.select(Attendance.hours_credited, TrainingSession.ends_at)
                .join(TrainingSession, TrainingSession.id == Attendance.session_id)
                .where(Attendance.user_id == uid, Attendance.status == "present")).all()
            courses = db.session.scalars(sa.select(Enrollment.hours_credited).where(
                Enrollment.user_id == uid)).all()
            attempts = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)
                                         .where(Attempt.user_id == uid))
            runs = db.session.scalar(sa.select(sa.func.count()).select_from(Run)
                                     .where(Run.user_id == uid))
            hours = sum(h for h, ends in sessions if ends.replace(tzinfo=UTC) <= now)
            out[username] = {"学时合计": round(hours + sum(courses), 2),
                             "培训场次": len(sessions), "完成课程": len(courses),
                             "测验作答": attempts, "情景演练": runs, "学时目标": 24}
    return out


def test_the_csv_export_neutralises_text_and_keeps_the_street(seeded, client, auth):
    from trainer.auth.models import User

    with app_ctx(seeded):
        db.session.execute(sa.update(User).where(User.username == "s0000")
                           .values(name="=HYPERLINK(1)"))
        db.session.commit()
    auth.login("org_s1")
    rows = _export(client, "csv")
    names = {r[4]: r for r in rows[1:]}
    assert names["s0000"][3] == "'=HYPERLINK(1)"
    assert {r[0] for r in rows[1:]} == {"S1街道"}


def test_the_cli_export_fills_the_ratings(seeded, runner, tmp_path):
    out = tmp_path / "r.xlsx"
    result = runner.invoke(args=["records", "export", "--year", str(YEAR), "--format", "xlsx",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 14  # 12 seeded, "worker" and the header
    for name in ("建议评定", "最终评定", "学时合计", "最佳成绩均分"):
        assert name in header
    assert all(r[header.index("最终评定")] for r in rows[1:])


def test_the_district_export_runs_on_the_job_queue(seeded, client, auth, fresh):
    from trainer.jobs.models import Job

    auth.login("organiser")
    resp = _post(client, f"/records/export?year={YEAR}", {"format": "xlsx"},
                 f"/records/ratings?year={YEAR}")
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    job = fresh.scalar(sa.select(Job))
    assert (job.kind, job.status, job.total, job.done) == ("records-export", "done", 13, 13)
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    result = client.get(f"/jobs/{job.id}/result")
    assert result.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(result.data)).active.iter_rows(
        values_only=True))
    assert len(rows) == 14 and rows[0][4] == "用户名"


def test_a_street_organisers_background_export_keeps_to_their_street(seeded, client, auth,
                                                                     fresh):
    from trainer.jobs.models import Job

    auth.login("org_s1")
    with app_ctx(seeded):
        from trainer.org.services import unit_by_code

        s2 = unit_by_code("S2").id
    resp = _post(client, f"/records/export?year={YEAR}&unit={s2}", {"format": "csv"},
                 f"/records/ratings?year={YEAR}")
    assert resp.status_code == 302
    assert fresh.scalar(sa.select(Job)).status == "failed"
    resp = _post(client, f"/records/export?year={YEAR}", {"format": "csv"},
                 f"/records/ratings?year={YEAR}")
    job = fresh.scalars(sa.select(Job).order_by(Job.id.desc()))[0]
    assert job.status == "done"
    data = client.get(f"/jobs/{job.id}/result").data.decode("utf-8-sig")
    assert {r[0] for r in list(csv.reader(io.StringIO(data)))[1:]} == {"S1街道"}
