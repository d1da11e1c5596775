"""Entrants' appeals against a round result."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow


class Appeal(db.Model):
    """An entrant's appeal against a closed round (one per entrant and round)."""

    __tablename__ = "competition_appeals"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id"),
        CheckConstraint("status IN ('open','upheld','rejected')", name="status_known"),
        Index("ix_competition_appeals_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("competition_rounds.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    round = relationship("Round", lazy="joined")
    entry = relationship("Entry", lazy="joined")
