"""Demo plans: last year's and this year's plans for the demo streets, with sessions held
(attendance, feedback) and upcoming, one session open for QR sign-in right after seeding,
and one street (S03) that held nothing in the last half-year. Dates follow ``now`` (the
clock by default), so the seed says the same true things on any day of the year."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.services import unit_by_code
from trainer.plans import attendance, codes, halves, scheduling, services, signin
from trainer.plans.models import Plan

TOPICS = (  # title, kind, department, lecturer is the demo trainer
    ("网格员职责与网格化运行机制", "lecture", "organisation", False),
    ("日常巡查平台使用与维护", "lecture", "public-security", True),
    ("矛盾纠纷调解情景演练", "drill", "civil-affairs", False),
    ("消防安全隐患排查现场实训", "field", "fire", False),
    ("反电信网络诈骗宣传技巧", "lecture", "public-security", True),
    ("网格业务知识竞赛", "competition", "organisation", False),
)
EXPERTS = {"organisation": "区委组织部 刘老师", "civil-affairs": "区民政局 陈科长",
           "fire": "区消防救援大队 李教官"}
PRIORITIES = ("围绕基层治理重点，提升网格员信息采集、矛盾纠纷化解和舆情应对能力；"
              "每半年至少组织一次集中培训，推动课堂教学向现场实训转变。")


@dataclass
class Planned:
    street: object
    starts_at: datetime
    topic: int
    hours: float = 2


def seed(users, now: datetime | None = None) -> None:
    """Seed last year's and this year's plans once per street and year (idempotent)."""
    now = now or utcnow()
    organiser, trainer = users[1], users[2]
    year = halves.half_of(now).year
    for index, code in enumerate(("S01", "S02", "S03")):
        street = unit_by_code(code)
        if street is None:
            continue
        planned = _sessions_for(street, index, now)
        for plan_year in (year - 1, year):
            if db.session.scalar(sa.select(Plan.id).where(Plan.street_id == street.id,
                                                          Plan.year == plan_year)):
                continue
            plan = _plan(organiser, street, plan_year, now)
            for item in planned:
                if halves.half_of(item.starts_at).year != plan_year:
                    continue
                session = scheduling.schedule_session(organiser, plan, _input(item, trainer))
                if session.ends_at <= now:
                    _attend(session, users, organiser)


def _local(half: halves.Half, day: int, hour: int) -> datetime:
    return (half.starts_at + timedelta(days=day)).replace(hour=hour, minute=0)


def _sessions_for(street, index: int, now: datetime) -> list[Planned]:
    """Two held sessions in every past half-year since last January (none for S03 in the
    last one); in the current half-year one held and one upcoming where the calendar
    allows; one in the next half-year when it is still this year."""
    current = halves.half_of(now)
    hour = 9 + 5 * (index % 2)
    items, half = [], halves.Half(current.year - 1, 1)
    while half < current:
        if not (index == 2 and half == current.previous()):  # held nothing last half-year
            items += [Planned(street, _local(half, 40 + index, hour), index % len(TOPICS)),
                      Planned(street, _local(half, 120 + index, hour), (index + 2) % 6)]
        half = half.next()
    past = _past_slot(current, now, hour)
    upcoming = _upcoming_slot(now, index, hour)
    items += [Planned(street, at, topic % len(TOPICS)) for at, topic in (
        (past, index + 3), (upcoming, index + 4)) if at is not None]
    if current.next().year == current.year:
        items.append(Planned(street, _local(current.next(), 30 + index, hour), index + 1))
    if index == 0:
        items += _open_now(street, now)
    return items


def _fits(start: datetime, now: datetime, hours: float = 2) -> bool:
    """Inside one half-year of the current year."""
    end = start + timedelta(hours=hours)
    return halves.half_of(start) == halves.half_of(end) and \
        halves.half_of(start).year == halves.half_of(now).year


def _past_slot(current: halves.Half, now: datetime, hour: int) -> datetime | None:
    """A two-hour slot in the current half-year that is over by ``now``, if there is one."""
    days = (now - current.starts_at).days
    latest = (now - timedelta(hours=2)).astimezone(halves.local_zone()).replace(
        minute=0, second=0, microsecond=0)
    for start in (_local(current, days // 2, hour), _local(current, 0, hour), latest):
        if current.starts_at <= start and start + timedelta(hours=2) <= now:
            return start
    return None


def _upcoming_slot(now: datetime, index: int, hour: int) -> datetime | None:
    """A slot after ``now`` that still falls in this year: in a week, tomorrow, or soon."""
    local = now.astimezone(halves.local_zone())
    soon = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=4)
    for start in ((local + timedelta(days=7 + index)).replace(hour=hour),
                  (local + timedelta(days=1)).replace(hour=hour), soon):
        start = start.replace(minute=0, second=0, microsecond=0)
        if start > now and _fits(start, now):
            return start
    return None


def _open_now(street, now: datetime) -> list[Planned]:
    """A session starting in a quarter of an hour, so QR sign-in can be tried at once."""
    starts = (now + timedelta(minutes=15)).replace(second=0, microsecond=0)
    return [Planned(street, starts, 1)] if _fits(starts, now) else []


def _plan(organiser, street, year: int, now: datetime) -> Plan:
    plan = services.create_plan(organiser, street, year, services.Priorities(
        PRIORITIES, ["organisation", "public-security", "civil-affairs", "fire"],
        ["communication", "mediation", "information", "public_opinion"],
        "网格员职责、巡查平台使用", "矛盾纠纷调解与消防安全实训"))
    if year < halves.half_of(now).year or street.code != "S03":
        services.submit_plan(organiser, plan, "请审核。", now=now)
        services.review_plan(organiser, plan, True, "同意，按计划组织实施。", now=now)
    return plan


def _input(item: Planned, trainer) -> scheduling.SessionInput:
    title, kind, dept, by_trainer = TOPICS[item.topic]
    return scheduling.SessionInput(
        title=title, kind=kind, starts_at=item.starts_at,
        ends_at=item.starts_at + timedelta(hours=item.hours), department=dept,
        audience={"street": item.street.code}, place=f"{item.street.name}便民服务中心培训室",
        hours=item.hours, capacity=80, lecturer=trainer.username if by_trainer else None,
        lecturer_name="" if by_trainer else EXPERTS.get(dept, ""))


def _attend(session, users, organiser) -> None:
    """Seven in ten of the street's workers scan in (the demo worker always); the rest are
    marked absent by hand; most attendees leave a rating."""
    workers = [u for u in users if u.role == "worker" and u.unit is not None
               and u.unit.street_id == session.plan.street_id]
    moment = session.starts_at + timedelta(minutes=5)
    key = codes.derive_key(_secret())
    code = codes.make_code(key, session.id, codes.step_at(moment))
    for n, worker in enumerate(workers):
        if worker.username == "worker" or (n + session.id) % 10 < 7:
            signin.check_in(session, worker, code, now=moment)
            if n % 3:
                attendance.give_feedback(session, worker, 4 + n % 2, "内容实用，贴近工作。",
                                         now=session.ends_at + timedelta(hours=1))
        else:
            attendance.mark_attendance(session, worker, "absent", organiser,
                                       now=session.ends_at)


def _secret() -> str:
    from flask import current_app

    return current_app.config["SECRET_KEY"]
