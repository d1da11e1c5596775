"""The demo seed says the same true things on any day of the year (an injected clock)."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.plans.factories import user
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans import demo
from trainer.plans.compliance import around, compliance, compliance_for
from trainer.plans.halves import half_of
from trainer.plans.models import Attendance, Plan, TrainingSession

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)


def _seed(app, now):
    from trainer.demo import seed_accounts, seed_organisation

    with app_ctx(app):
        district, grids = seed_organisation()
        users = seed_accounts("Demo-pass-2026", district, grids, extra_workers=0)
        demo.seed(users, now=now)
        db.session.commit()


@pytest.mark.usefixtures("db_ctx")
@pytest.mark.parametrize("now", [
    datetime(2026, 1, 1, 10, 0, tzinfo=LOCAL), datetime(2026, 1, 5, 10, 0, tzinfo=LOCAL),
    datetime(2026, 6, 30, 18, 0, tzinfo=LOCAL), datetime(2026, 7, 1, 10, 0, tzinfo=LOCAL),
    datetime(2026, 12, 28, 10, 0, tzinfo=LOCAL), datetime(2026, 12, 31, 22, 0, tzinfo=LOCAL),
], ids=lambda d: d.strftime("%m-%d"))
def test_demo_seed_on_any_date(app, now):
    _seed(app, now)
    year, last = half_of(now).year, half_of(now).previous()
    organiser = user("organiser")
    rows = [r.as_json() for r in compliance_for(organiser, around(now), now)]
    flagged = {r["street"] for r in rows
               if (r["year"], r["half"]) == (last.year, last.half) and not r["ok"]}
    assert flagged == {"S03"}
    held = {r["street"]: r["held"] for r in rows
            if (r["year"], r["half"]) == (last.year, last.half)}
    assert held["S01"] > 0 and held["S02"] > 0
    # Last year: both halves held everywhere, except S03 when the last half was in it.
    for r in (row.as_json() for row in compliance(organiser, year - 1, now)):
        expect_ok = not (r["street"] == "S03" and (year - 1, r["half"]) == (
            last.year, last.half))
        assert r["ok"] is expect_ok, r
    plans = db.session.scalars(sa.select(Plan).where(Plan.year == year)).all()
    assert sorted(p.street.code for p in plans) == ["S01", "S02", "S03"]
    for plan in plans:
        upcoming = [s for s in plan.sessions if s.starts_at > now]
        past = [s for s in plan.sessions if s.ends_at <= now]
        assert upcoming or now.month == 12 and now.day == 31, plan.street.code
        assert past, plan.street.code
        assert all(half_of(s.starts_at).year == year for s in plan.sessions)
    present = db.session.scalar(sa.select(sa.func.count()).select_from(Attendance).where(
        Attendance.status == "present"))
    assert present > 0
    count = db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))
    _seed(app, now)  # seeding again adds nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) \
        == count
