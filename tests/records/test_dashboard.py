"""Organiser dashboards: the figures equal a recomputation from the rows, a page reads a
fixed number of statements however many workers, a street organiser sees only their
street, and each table downloads as .xlsx."""

import io
from collections import defaultdict
from datetime import UTC, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.records.seed import YEAR, seed
from trainer.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(resp) -> list[tuple]:
    assert resp.status_code == 200 and resp.mimetype == XLSX
    return list(openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))


def recompute(app) -> dict[str, dict]:
    """Per street, from the rows and independent of trainer.records: workers, mean hours,
    sessions attended, quiz average (mean over workers of the mean best score per quiz),
    pass rate of quizzes taken."""
    from trainer.auth.models import User
    from trainer.learning.models import Enrollment
    from trainer.org.models import Unit
    from trainer.plans.models import Attendance, TrainingSession
    from trainer.quizzes.models import Attempt

    now = datetime.now(UTC)
    with app_ctx(app):
        street_of = {}
        for uid, path in db.session.execute(sa.select(User.id, Unit.path).join(
                Unit, Unit.id == User.unit_id).where(User.role == "worker", User.active)):
            street_of[uid] = db.session.scalar(sa.select(Unit.name).where(
                Unit.level == "street", sa.literal(path).startswith(Unit.path)))
        hours, sessions = defaultdict(float), defaultdict(int)
        for uid, credited, ends in db.session.execute(
                sa.select(Attendance.user_id, Attendance.hours_credited, TrainingSession.ends_at)
                .join(TrainingSession, TrainingSession.id == Attendance.session_id)
                .where(Attendance.status == "present")):
            sessions[uid] += 1
            hours[uid] += credited if ends.replace(tzinfo=UTC) <= now else 0
        for uid, credited in db.session.execute(
                sa.select(Enrollment.user_id, Enrollment.hours_credited)
                .where(Enrollment.completed_at.is_not(None))):
            hours[uid] += credited
        best = defaultdict(dict)
        for uid, label, percent, passed in db.session.execute(
                sa.select(Attempt.user_id, Attempt.label, Attempt.percent, Attempt.passed)
                .where(Attempt.submitted_at.is_not(None))):
            old = best[uid].get(label, (0.0, False))
            best[uid][label] = (max(old[0], percent), old[1] or passed)
    out: dict[str, dict] = {}
    for street in sorted(set(street_of.values())):
        members = [u for u, s in street_of.items() if s == street]
        averages = [sum(p for p, _ in best[u].values()) / len(best[u])
                    for u in members if best[u]]
        taken = sum(len(best[u]) for u in members)
        passed = sum(1 for u in members for _p, ok in best[u].values() if ok)
        out[street] = {
            "workers": len(members),
            "hours_mean": round(sum(hours[u] for u in members) / len(members), 1),
            "sessions": sum(sessions[u] for u in members),
            "quiz_average": round(sum(averages) / len(averages), 1) if averages else None,
            "pass_rate": round(100 * passed / taken, 1) if taken else None,
        }
    return out


@pytest.fixture
def seeded(app, users, make_user):
    make_user("org_s1", role="organiser", unit="S1")
    seed(app, 40)
    return app


def test_dashboard_figures_equal_a_recomputation_from_the_rows(seeded, client, auth):
    auth.login("organiser")
    rows = _sheet(client.get(f"/records/dashboard.xlsx?table=groups&year={YEAR}&by=street"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("单位", "网格员", "人均学时")
    expected = recompute(seeded)
    got = {r[0]: {"workers": r[1], "hours_mean": r[2], "sessions": r[6],
                  "quiz_average": r[9], "pass_rate": r[10]} for r in body}
    assert got == expected
    assert all(isinstance(r[2], float | int) for r in body)  # numbers, not text


def test_a_street_organiser_sees_only_their_street(seeded, client, auth):
    auth.login("org_s1")
    rows = _sheet(client.get(f"/records/dashboard.xlsx?table=workers&year={YEAR}"))
    streets = {r[2] for r in rows[1:]}
    assert streets == {"S1街道"} and len(rows) - 1 == 20 + 1  # 20 seeded and "worker"
    page = client.get(f"/records/dashboard?year={YEAR}").get_data(as_text=True)
    assert "S2街道" not in page and "<svg" in page
    with app_ctx(seeded):
        from trainer.auth.models import User

        other = db.session.scalar(sa.select(User.id).where(User.username == "s0002"))
        mine = db.session.scalar(sa.select(User.id).where(User.username == "s0001"))
    assert client.get(f"/records/workers/{other}").status_code == 404
    assert client.get(f"/records/workers/{mine}?year={YEAR}").status_code == 200
    assert client.get(f"/records/ratings/{other}").status_code == 404
    with app_ctx(seeded):  # a unit of another street is out of sight too
        from trainer.org.services import unit_by_code

        s2_id = unit_by_code("S2").id
    assert client.get(f"/records/dashboard?unit={s2_id}").status_code == 404
    assert client.get(f"/records/export?unit={s2_id}").status_code == 404


def test_dashboard_filters_by_half_and_department(seeded, client, auth):
    auth.login("organiser")
    whole = _sheet(client.get(f"/records/dashboard.xlsx?table=groups&year={YEAR}&by=street"))
    first = _sheet(client.get(
        f"/records/dashboard.xlsx?table=groups&year={YEAR}&by=street&half=1"))
    police = _sheet(client.get(f"/records/dashboard.xlsx?table=groups&year={YEAR}"
                               "&by=street&department=public-security"))
    # sessions: April (first half), September (second, public security), a future one
    assert [r[6] for r in first[1:]] < [r[6] for r in whole[1:]]
    assert all(r[3] == 12 for r in first[1:])  # half of the year's target
    assert [r[6] for r in police[1:]] < [r[6] for r in whole[1:]]


@pytest.mark.parametrize("table", ["groups", "competencies", "workers", "competitions"])
def test_every_dashboard_table_downloads(seeded, client, auth, table):
    auth.login("organiser")
    rows = _sheet(client.get(f"/records/dashboard.xlsx?table={table}&year={YEAR}"))
    assert rows[0]
    assert client.get("/records/dashboard.xlsx?table=nope").status_code == 404


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def _statements(app, client, path) -> int:
    counter = Counter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        resp = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return counter.count


@pytest.mark.parametrize("n", [10, 2000])
def test_the_dashboard_reads_a_fixed_number_of_statements(app, users, client, auth, n):
    seed(app, n)
    auth.login("organiser")
    client.get(f"/records/dashboard?year={YEAR}")  # warm: anything cached once
    count = _statements(app, client, f"/records/dashboard?year={YEAR}")
    assert count <= 12, count
    with app_ctx(app):
        from trainer.org.services import unit_by_code

        s1 = unit_by_code("S1").id
    street = _statements(app, client, f"/records/dashboard?year={YEAR}&by=grid&half=2"
                                      f"&department=civil-affairs&unit={s1}")
    assert street <= 12, street
