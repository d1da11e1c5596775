"""Scenarios, their immutable versions, and the runs that play them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department

CONTEXTS = ("practice", "preview", "competition")
OUTCOMES = ("success", "partial", "failure")


class Scenario(db.Model):
    """A scenario as the catalogue knows it; its graph lives in the current version."""

    __tablename__ = "scenarios"
    __table_args__ = (
        CheckConstraint("status IN ('draft','published')", name="status_known"),
        CheckConstraint("source IN ('file','web')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # None for a Twee import, which names no department.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    competencies: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # A street's private scenario is seen in that street only; None: district-wide.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Its district (None: the shipped library, read by every district).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_versions.id", use_alter=True, ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(10), default="web")
    # Hash of the graph last loaded from a file: an unchanged file loads nothing.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # The graph being edited through the forms (graph.scenario_to_dict), kept even while
    # invalid; None: the current version is the draft. draft_rev counts its saves, so a
    # stale form (someone saved first) is told apart.
    draft: Mapped[dict | None] = mapped_column(JSON)
    draft_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department | None] = relationship(lazy="joined")
    current_version: Mapped["ScenarioVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True)


class ScenarioVersion(db.Model):
    """One saved graph (graph.scenario_to_dict); never changed once written."""

    __tablename__ = "scenario_versions"
    __table_args__ = (
        UniqueConstraint("scenario_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("steps >= 0", name="steps_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    # Node key -> sanitised HTML of its Markdown, rendered once when the version is saved.
    html: Mapped[dict] = mapped_column(JSON, default=dict)
    # Choices on the longest path (engine.max_depth), for the progress hint.
    steps: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    scenario: Mapped[Scenario] = relationship(foreign_keys=[scenario_id], lazy="joined")


class Run(db.Model):
    """One play of a pinned scenario version: the choice keys taken, and the result."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint("context IN ('practice','preview','competition')", name="context_known"),
        CheckConstraint("outcome IS NULL OR outcome IN ('success','partial','failure','abandoned')",
                        name="outcome_known"),
        CheckConstraint("(finished AND outcome IS NOT NULL AND finished_at IS NOT NULL) OR "
                        "(NOT finished AND outcome IS NULL AND finished_at IS NULL)",
                        name="finished_has_outcome"),
        CheckConstraint("(context = 'competition') = (round_id IS NOT NULL)",
                        name="round_iff_competition"),
        # One run per entrant and round (NULL round ids never collide).
        UniqueConstraint("user_id", "round_id"),
        Index("ix_runs_user_started", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scenario_version_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_versions.id"), index=True)
    path: Mapped[list] = mapped_column(JSON, default=list)
    finished: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str | None] = mapped_column(String(10))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    context: Mapped[str] = mapped_column(String(12), default="practice")
    # The competition round this run belongs to (the competitions domain owns rounds).
    round_id: Mapped[int | None] = mapped_column(index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    version: Mapped[ScenarioVersion] = relationship(lazy="joined")
    user = relationship("User", lazy="joined")
