"""An assignment (必修): one course, quiz or scenario an organiser requires of an audience
(streets, communities, grids, named people) by a due date, optionally in a plan's half-year."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit

KINDS = ("course", "quiz", "scenario")


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("kind IN ('course','quiz','scenario')", name="kind_known"),
        CheckConstraint("(kind = 'course') = (course_id IS NOT NULL) AND "
                        "(kind = 'quiz') = (quiz_id IS NOT NULL) AND "
                        "(kind = 'scenario') = (scenario_id IS NOT NULL)",
                        name="one_target"),
        CheckConstraint("half IS NULL OR half IN (1, 2)", name="half_known"),
        Index("ix_assignments_due", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    # The target's title and key (a slug, or a quiz's id) when assigned: lists and links
    # need no look-up in the owning domain.
    title: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(80))
    due: Mapped[date] = mapped_column(Date)
    # The street whose organiser made it (None: a district organiser) and its district.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    half: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    street: Mapped[Unit | None] = relationship(foreign_keys=[street_id], lazy="joined")
    audience: Mapped[list["AssignmentAudience"]] = relationship(
        cascade="all, delete-orphan", order_by="AssignmentAudience.id")
    created_by = relationship("User", foreign_keys=[created_by_id])


class AssignmentAudience(db.Model):
    """Who an assignment is for: one row per unit (street, community, grid) or person."""

    __tablename__ = "assignment_audience"
    __table_args__ = (
        CheckConstraint("(unit_id IS NULL) <> (user_id IS NULL)", name="unit_or_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    user = relationship("User", lazy="joined")
