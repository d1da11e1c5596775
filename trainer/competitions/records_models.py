"""Honours, certificates, appeals and the organisers' audit log of the competitions domain."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import utcnow


class Honour(db.Model):
    """An honour (e.g. 业务能手) awarded at publishing, to an entrant or to a team."""

    __tablename__ = "competition_honours"
    __table_args__ = (
        UniqueConstraint("competition_id", "title", "entry_id"),
        UniqueConstraint("competition_id", "title", "team_unit_id"),
        CheckConstraint("(entry_id IS NULL) != (team_unit_id IS NULL)", name="entrant_or_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    team_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    rank: Mapped[int]
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)

    competition = relationship("Competition", lazy="joined")
    user = relationship("User", lazy="joined")
    team_unit = relationship("Unit", lazy="joined")
    certificate: Mapped["Certificate | None"] = relationship(back_populates="honour",
                                                             uselist=False)


class Certificate(db.Model):
    """What a certificate states, fixed at issue; ``code`` is its public verification code."""

    __tablename__ = "competition_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    honour_id: Mapped[int] = mapped_column(
        ForeignKey("competition_honours.id", ondelete="CASCADE"), unique=True)
    holder_name: Mapped[str] = mapped_column(String(80))
    unit_name: Mapped[str] = mapped_column(String(120))
    honour_title: Mapped[str] = mapped_column(String(40))
    competition_title: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date]

    honour: Mapped[Honour] = relationship(back_populates="certificate", lazy="joined")


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


class AuditEntry(db.Model):
    """Who did what to a competition, when, and why (create, edit, score change, publish…)."""

    __tablename__ = "competition_audit"
    __table_args__ = (Index("ix_competition_audit_competition_at", "competition_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", lazy="joined")


class Tally(db.Model):
    """How many entrants have a total in each whole point (0–100) of a table (``scope`` 0:
    the overall table, else a street's id), live or frozen. The caller's own rank is then
    the sum over the better buckets plus an indexed count inside their own bucket: a few
    hundred index entries instead of a scan over everyone ranked above them."""

    __tablename__ = "competition_tallies"
    __table_args__ = (UniqueConstraint("competition_id", "scope", "frozen", "bucket"),
                      CheckConstraint("bucket BETWEEN 0 AND 100", name="bucket_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"))
    scope: Mapped[int] = mapped_column(default=0)
    frozen: Mapped[bool] = mapped_column(default=False)
    bucket: Mapped[int]
    count: Mapped[int] = mapped_column(default=0)
