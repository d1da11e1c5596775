"""Annual assessment: each district's rule per year (the hours target and the thresholds
that suggest a rating), the rating an organiser confirmed or set for each worker-year, and
the audit trail of both."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models import utcnow

RATINGS = ("excellent", "good", "pass", "fail")


class AssessmentRule(db.Model):
    """A district's rule for one year. Each rating above 不合格 needs hours of at least the
    target plus its offset (negative: below the target), at least its share of the
    assignments done (percent) and an average best quiz score of at least its minimum."""

    __tablename__ = "assessment_rules"
    __table_args__ = (
        UniqueConstraint("district_id", "year"),
        CheckConstraint("target_hours >= 0", name="target_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    year: Mapped[int]
    target_hours: Mapped[float] = mapped_column(Float, default=24)
    excellent_hours: Mapped[float] = mapped_column(Float, default=8)
    excellent_assignments: Mapped[float] = mapped_column(Float, default=100)
    excellent_quiz: Mapped[float] = mapped_column(Float, default=85)
    good_hours: Mapped[float] = mapped_column(Float, default=0)
    good_assignments: Mapped[float] = mapped_column(Float, default=90)
    good_quiz: Mapped[float] = mapped_column(Float, default=75)
    pass_hours: Mapped[float] = mapped_column(Float, default=-8)
    pass_assignments: Mapped[float] = mapped_column(Float, default=60)
    pass_quiz: Mapped[float] = mapped_column(Float, default=60)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rating(db.Model):
    """A worker's rating for a year as an organiser decided it: ``confirmed`` (the
    suggestion taken) or ``overridden`` (another rating, with a reason). ``evidence`` keeps
    the figures the decision saw."""

    __tablename__ = "assessment_ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "year"),
        CheckConstraint("status IN ('confirmed','overridden')", name="status_known"),
        CheckConstraint("suggested IN ('excellent','good','pass','fail')",
                        name="suggested_known"),
        CheckConstraint("final IN ('excellent','good','pass','fail')", name="final_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    year: Mapped[int]
    suggested: Mapped[str] = mapped_column(String(10))
    final: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentAudit(db.Model):
    """Every change to a rule or a rating: who, when, what before and after, and why."""

    __tablename__ = "assessment_audit"
    __table_args__ = (
        CheckConstraint("action IN ('rule','confirm','override')", name="action_known"),
        Index("ix_assessment_audit_district_year", "district_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    year: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class XapiSent(db.Model):
    """One xAPI statement the learning record store accepted (trainer/records/xapi.py).
    The statement id is deterministic, so a statement is never sent twice; the row goes
    with its user when the account is deleted."""

    __tablename__ = "xapi_sent"

    statement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
