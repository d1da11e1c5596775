"""Plans, sessions, audiences, attendance (with its audit trail), feedback, calendar feeds."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department, Unit

PLAN_STATUSES = ("draft", "submitted", "approved")
KINDS = ("lecture", "field", "drill", "competition")
AUDIENCE_KINDS = ("street", "communities", "grids", "users")
ATTENDANCE_STATUSES = ("present", "absent", "excused")


class Plan(db.Model):
    """A street's training plan for one year, split into two half-years by its sessions."""

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("street_id", "year"),
        CheckConstraint("status IN ('draft','submitted','approved')", name="status_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int]
    priorities: Mapped[str] = mapped_column(Text, default="")
    departments: Mapped[list] = mapped_column(JSON, default=list)  # department codes
    competencies: Mapped[list] = mapped_column(JSON, default=list)
    half1_focus: Mapped[str] = mapped_column(Text, default="")
    half2_focus: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    street: Mapped[Unit] = relationship(lazy="joined")
    sessions: Mapped[list["TrainingSession"]] = relationship(
        back_populates="plan", order_by="TrainingSession.starts_at", cascade="all, delete-orphan")
    comments: Mapped[list["PlanComment"]] = relationship(
        order_by="PlanComment.at", cascade="all, delete-orphan")


class PlanComment(db.Model):
    """The review trail of a plan: submissions, approvals, returns and remarks."""

    __tablename__ = "plan_comments"
    __table_args__ = (
        CheckConstraint("action IN ('comment','submit','approve','return')", name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class TrainingSession(db.Model):
    """One training session (培训场次) in a plan's half-year."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("kind IN ('lecture','field','drill','competition')", name="kind_known"),
        CheckConstraint("half IN (1, 2)", name="half_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        CheckConstraint("audience_kind IN ('street','communities','grids','users')",
                        name="audience_kind_known"),
        Index("ix_training_sessions_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    half: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    lecturer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    lecturer_name: Mapped[str] = mapped_column(String(60), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(120), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    # Other domains' items, by slug (courses, scenarios) or id (quizzes); shown as text.
    courses: Mapped[list] = mapped_column(JSON, default=list)
    scenarios: Mapped[list] = mapped_column(JSON, default=list)
    quizzes: Mapped[list] = mapped_column(JSON, default=list)
    audience_kind: Mapped[str] = mapped_column(String(12), default="street")
    capacity: Mapped[int | None]
    hours: Mapped[float] = mapped_column(Float, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="sessions", lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    lecturer = relationship("User", lazy="joined", foreign_keys=[lecturer_id])
    audience: Mapped[list["SessionAudience"]] = relationship(cascade="all, delete-orphan",
                                                             order_by="SessionAudience.id")


class SessionAudience(db.Model):
    """Who a session is for: one row per unit (street, community, grid) or named person."""

    __tablename__ = "session_audience"
    __table_args__ = (
        CheckConstraint("(unit_id IS NULL) <> (user_id IS NULL)", name="unit_or_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    user = relationship("User", lazy="joined")


class Attendance(db.Model):
    """A person's attendance at a session; present attendance credits the session's hours."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("status IN ('present','absent','excused')", name="status_known"),
        CheckConstraint("method IN ('qr','manual')", name="method_known"),
        CheckConstraint("hours_credited >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    hours_credited: Mapped[float] = mapped_column(Float, default=0)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[TrainingSession] = relationship(lazy="joined")


class AttendanceChange(db.Model):
    """Audit trail: who changed whose attendance, from what to what, and when."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    old_status: Mapped[str | None] = mapped_column(String(10))
    new_status: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined", foreign_keys=[user_id])
    changed_by = relationship("User", lazy="joined", foreign_keys=[changed_by_id])


class Feedback(db.Model):
    """An attendee's rating (1–5) and comment on a session, given after it ends."""

    __tablename__ = "session_feedback"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CalendarFeed(db.Model):
    """A personal iCalendar subscription; only the SHA-256 of its secret token is stored."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")
