"""Competitions, their rounds and judges, entries with their standing, and round results."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
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
from trainer.org.models import Unit

KINDS = ("knowledge", "skill", "drill")
STATUSES = ("draft", "open", "closed", "published")
TEAM_BY = ("community", "street")
VISIBILITY = ("full", "top", "own")


class Competition(db.Model):
    """A contest in a street (``street_id``) or the whole district (None).

    ``status`` is what the organiser decided (draft, open, closed, published); whether an
    open contest is accepting entries, running or over follows from its times (phases.py).
    """

    __tablename__ = "competitions"
    __table_args__ = (
        CheckConstraint("kind IN ('knowledge','skill','drill')", name="kind_known"),
        CheckConstraint("status IN ('draft','open','closed','published')", name="status_known"),
        CheckConstraint("team_by IS NULL OR team_by IN ('community','street')",
                        name="team_by_known"),
        CheckConstraint("visibility IN ('full','top','own')", name="visibility_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("freeze_at IS NULL OR freeze_at < ends_at", name="freeze_before_end"),
        CheckConstraint("team_size > 0", name="team_size_positive"),
        CheckConstraint("appeal_hours >= 0", name="appeal_hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12), default="knowledge")
    description: Mapped[str] = mapped_column(Text, default="")
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Its district (set for a street's too: the district is the tenant).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    entry_closes_at: Mapped[datetime | None]
    freeze_at: Mapped[datetime | None]
    team_by: Mapped[str | None] = mapped_column(String(12))
    team_size: Mapped[int] = mapped_column(default=3)
    visibility: Mapped[str] = mapped_column(String(6), default="full")
    visible_top: Mapped[int | None]
    # [{"rule": "course", "course": SLUG} | {"rule": "quiz_passed", "quiz": ID} |
    #  {"rule": "practice", "questions": N, "days": M}]
    eligibility: Mapped[list] = mapped_column(JSON, default=list)
    # [{"title": "业务能手", "top": 3, "top_percent": null, "team": false}]
    honours: Mapped[list] = mapped_column(JSON, default=list)
    appeal_hours: Mapped[float] = mapped_column(Float, default=2.0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    street: Mapped[Unit | None] = relationship(foreign_keys=[street_id], lazy="joined")
    rounds: Mapped[list["Round"]] = relationship(
        order_by="Round.n", back_populates="competition", cascade="all, delete-orphan")


class Round(db.Model):
    """A quiz, scenario or judged round with its weight and its own window."""

    __tablename__ = "competition_rounds"
    __table_args__ = (
        UniqueConstraint("competition_id", "n"),
        CheckConstraint("kind IN ('quiz','scenario','judged')", name="kind_known"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("n >= 1", name="n_positive"),
        CheckConstraint("closes_at > opens_at", name="closes_after_open"),
        CheckConstraint("time_limit IS NULL OR time_limit > 0", name="time_limit_positive"),
        CheckConstraint("(kind = 'quiz') = (quiz_id IS NOT NULL)", name="quiz_iff_quiz_round"),
        CheckConstraint("(kind = 'scenario') = (scenario_id IS NOT NULL)",
                        name="scenario_iff_scenario_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True)
    n: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    weight: Mapped[int] = mapped_column(default=1)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    time_limit: Mapped[int | None]  # minutes
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), index=True)
    # Judged rounds: [{"name": "...", "max": 10}]
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    # Set when the round was closed early (publishing closes every round).
    closed_at: Mapped[datetime | None]

    competition: Mapped[Competition] = relationship(back_populates="rounds")
    judges: Mapped[list["RoundJudge"]] = relationship(cascade="all, delete-orphan",
                                                      lazy="selectin")
    quiz = relationship("Quiz", lazy="joined")
    scenario = relationship("Scenario", lazy="joined")

    @property
    def max_points(self) -> float:
        return float(sum(float(c.get("max", 0)) for c in self.criteria or []))

    @property
    def scored_by_judges(self) -> bool:
        """A round with a rubric is scored from judges' sheets, not from an attempt or
        a run (only judged rounds have one: kinds.judged requires it)."""
        return bool(self.criteria)


class RoundJudge(db.Model):
    """A judge of a judged round. Trainers and organisers belong to a street or the
    district, not to a community, so the community a judge lives or works in (a conflict
    of interest for its entrants) is declared when assigning them."""

    __tablename__ = "competition_judges"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("competition_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    user = relationship("User", lazy="joined")
    community: Mapped[Unit | None] = relationship(lazy="joined")


class Entry(db.Model):
    """One worker's entry (one per worker: the unique constraint, not a check) with the
    standing served by the leaderboard: live, and as it stood at the freeze.

    ``rank_key`` (standings.ranking.rank_key) orders entrants; ``version`` grows with every refresh
    so that the Redis copy never goes back to an older value."""

    __tablename__ = "competition_entries"
    __table_args__ = (
        UniqueConstraint("competition_id", "user_id"),
        UniqueConstraint("competition_id", "number"),
        Index("ix_competition_entries_live", "competition_id", "rank_key"),
        Index("ix_competition_entries_frozen", "competition_id", "frozen_rank_key"),
        Index("ix_competition_entries_street_live", "competition_id", "street_id", "rank_key"),
        Index("ix_competition_entries_street_frozen", "competition_id", "street_id",
              "frozen_rank_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # the entrant number judges see instead of the name
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    total_centi: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]
    rank_key: Mapped[int] = mapped_column(BigInteger)
    frozen_total_centi: Mapped[int] = mapped_column(default=0)
    frozen_seconds: Mapped[int] = mapped_column(default=0)
    frozen_rank_key: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(BigInteger, default=1)

    user = relationship("User", lazy="joined")
    community: Mapped[Unit | None] = relationship(foreign_keys=[community_id], lazy="joined")
    street: Mapped[Unit | None] = relationship(foreign_keys=[street_id], lazy="joined")


class RoundResult(db.Model):
    """An entrant's play of a round: at most one per round (the unique constraint), with
    the attempt or run it made, and the percent, time and finish that count."""

    __tablename__ = "competition_results"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)",
                        name="percent_range"),
        CheckConstraint("adjusted_percent IS NULL OR "
                        "(adjusted_percent >= 0 AND adjusted_percent <= 100)",
                        name="adjusted_range"),
        Index("ix_competition_results_entry", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("competition_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"), unique=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    seconds: Mapped[int] = mapped_column(default=0)
    percent: Mapped[float | None] = mapped_column(Float)
    # An organiser's correction (after an appeal); when set it counts instead of percent,
    # in the frozen table only if it was made before the freeze (``adjusted_at``).
    adjusted_percent: Mapped[float | None] = mapped_column(Float)
    adjusted_at: Mapped[datetime | None]
    address: Mapped[str] = mapped_column(String(64), default="")
    leave_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entry: Mapped[Entry] = relationship(lazy="joined")

    @property
    def counted_percent(self) -> float | None:
        return self.adjusted_percent if self.adjusted_percent is not None else self.percent
