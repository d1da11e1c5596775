"""Honours awarded when results are published, and their verifiable certificates."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
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
