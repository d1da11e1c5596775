"""Judges' score sheets of judged rounds, and every saved state of each sheet."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models import utcnow


class ScoreSheet(db.Model):
    """One judge's points for one entrant in a judged round."""

    __tablename__ = "competition_score_sheets"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("competition_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    points: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float] = mapped_column(Float, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScoreRevision(db.Model):
    """Every saved state of a judge's sheet, with when it was saved: the frozen table is
    rebuilt from the sheets as they stood at the freeze, never from later scores."""

    __tablename__ = "competition_score_revisions"
    __table_args__ = (Index("ix_competition_score_revisions_entry", "entry_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("competition_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    points: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float] = mapped_column(Float, default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow)
