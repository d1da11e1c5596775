"""Leaderboard counters: entrants per score point, for ranking without a scan."""


from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db


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
