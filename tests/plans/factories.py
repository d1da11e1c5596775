"""Factories for plans and sessions, shared by tests/plans and tests/records."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.auth.models import User
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.services import unit_by_code
from trainer.plans import halves, scheduling, services

# A fixed clock for service tests: 10 March 2026, 10:00 Beijing time (first half-year).
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def make_plan(app, street="S1", year=2026, by="organiser", **priorities) -> int:
    with app_ctx(app):
        plan = services.create_plan(user(by), unit_by_code(street), year,
                                    services.Priorities(**priorities))
        db.session.commit()
        return plan.id


def session_input(starts_at: datetime, hours: float = 2, **kw) -> scheduling.SessionInput:
    data = {"title": "入户走访沟通技巧", "kind": "lecture", "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2), "department": "civil-affairs",
            "audience": {"street": "S1"}, "place": "S1街道会议室", "hours": hours,
            "lecturer": "trainer"}
    data.update(kw)
    return scheduling.SessionInput(**data)


def make_session(app, plan_id: int, starts_at: datetime, by="organiser", **kw) -> int:
    with app_ctx(app):
        from trainer.plans.models import Plan

        plan = db.session.get(Plan, plan_id)
        session = scheduling.schedule_session(user(by), plan, session_input(starts_at, **kw))
        db.session.commit()
        return session.id


def plan_for(app, moment: datetime, street="S1") -> int:
    """The plan of ``street`` for the year ``moment`` falls in (made when missing)."""
    year = halves.half_of(moment).year
    with app_ctx(app):
        from trainer.plans.models import Plan

        plan_id = db.session.scalar(sa.select(Plan.id).where(
            Plan.street_id == unit_by_code(street).id, Plan.year == year))
    return plan_id or make_plan(app, street=street, year=year)


def session_at(app, start: datetime, street="S1", hours=2, **kw) -> int:
    """A session of ``hours`` from about ``start`` (moved earlier if it would straddle two
    half-years), in the right year's plan; for tests that run on the real clock."""
    while halves.half_of(start) != halves.half_of(start + timedelta(hours=hours)):
        start -= timedelta(hours=hours + 1)
    kw.setdefault("audience", {"street": street})
    return make_session(app, plan_for(app, start, street), start,
                        ends_at=start + timedelta(hours=hours), **kw)


def live_session(app, street="S1", **kw) -> int:
    """A session running now: sign-in is open (inside one half-year)."""
    now = utcnow()
    start = now - timedelta(minutes=10)
    end = min(now + timedelta(hours=1), halves.half_of(now).ends_at - timedelta(minutes=1))
    kw.setdefault("audience", {"street": street})
    return make_session(app, plan_for(app, start, street), start, ends_at=end, **kw)


def rows(app, model=None) -> list:
    """Every stored row of ``model`` (attendance by default)."""
    from trainer.plans.models import Attendance

    with app_ctx(app):
        return db.session.scalars(sa.select(model or Attendance)).all()


def uid(app, username: str) -> int:
    with app_ctx(app):
        return user(username).id
