"""Compliance with the paper's rule: every street holds at least one session per half-year.

A session counts as *held* once it has ended with at least one person present. Flags:
a past half-year with nothing held; the current or next half-year with nothing planned.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.plans import halves
from trainer.plans.attendance import feedback_summary, present_counts
from trainer.plans.audience import audience_sizes
from trainer.plans.models import Plan, TrainingSession
from trainer.plans.queries import can_see_compliance, streets_in_scope


@dataclass
class Row:
    street: Unit
    year: int
    half: int
    period: str  # past, current, next or later
    planned: int = 0
    held: int = 0
    present: int = 0
    expected: int = 0
    rating_sum: float = 0
    ratings: int = 0

    @property
    def flag(self) -> str | None:
        if self.period == "past" and self.held == 0:
            return "none_held"
        if self.period in ("current", "next") and self.planned == 0:
            return "none_planned"
        return None

    @property
    def ok(self) -> bool:
        return self.flag is None

    @property
    def attendance_rate(self) -> float | None:
        return round(self.present / self.expected, 3) if self.expected else None

    @property
    def feedback_average(self) -> float | None:
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None

    def as_json(self) -> dict:
        return {"street": self.street.code, "street_name": self.street.name, "year": self.year,
                "half": self.half,
                "period": self.period, "planned": self.planned, "held": self.held,
                "ok": self.ok, "flag": self.flag, "attendance_rate": self.attendance_rate,
                "feedback_average": self.feedback_average}


def compliance(user, year: int, now: datetime | None = None) -> list[Row]:
    """Every street in scope × half-year of ``year`` (organisers and admins only)."""
    return compliance_for(user, [halves.Half(year, 1), halves.Half(year, 2)], now)


def around(now: datetime) -> list[halves.Half]:
    """The last, the current and the next half-year (across a year's end as needed)."""
    current = halves.half_of(now)
    return [current.previous(), current, current.next()]


def compliance_for(user, periods: list[halves.Half], now: datetime | None = None) -> list[Row]:
    """Every street in scope × each of ``periods``, street by street in period order."""
    if not can_see_compliance(user):
        raise Forbidden(_("Compliance is for organisers and administrators."))
    now = now or utcnow()
    streets = streets_in_scope(user)
    rows = {(s.id, h.year, h.half): Row(s, h.year, h.half, halves.period(h, now))
            for s in streets for h in periods}
    sessions = db.session.execute(
        sa.select(TrainingSession.id, Plan.street_id, Plan.year, TrainingSession.half,
                  TrainingSession.ends_at)
        .join(Plan, TrainingSession.plan_id == Plan.id)
        .where(Plan.year.in_({h.year for h in periods}),
               Plan.street_id.in_([s.id for s in streets]))).all()
    sessions = [s for s in sessions if (s.street_id, s.year, s.half) in rows]
    ids = [s.id for s in sessions]
    present, sizes, feedback = present_counts(ids), audience_sizes(ids), feedback_summary(ids)
    for sid, street_id, year, half, ends_at in sessions:
        row = rows[(street_id, year, half)]
        row.planned += 1
        if ends_at <= now and present.get(sid, 0) > 0:
            row.held += 1
            row.present += present[sid]
            row.expected += max(sizes.get(sid, 0), present[sid])
        avg, count = feedback.get(sid, (0, 0))
        row.rating_sum += avg * count
        row.ratings += count
    return [rows[(s.id, h.year, h.half)] for s in streets for h in periods]
