"""One row per job a user started: its progress, errors so far and result, for the progress
page. The queue itself (Huey's storage) holds only the job's id."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models import utcnow

STATUSES = ("queued", "running", "done", "failed")
MAX_ERRORS_KEPT = 50  # messages kept on the row; error_count counts them all


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued','running','done','failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Who started it: only they (and admins) see it. Their jobs go with the account.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The street or district the job's work belongs to (None: the whole installation).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    # Why it failed, or the report of a finished job (plain text, shown as such).
    message: Mapped[str] = mapped_column(Text, default="")
    # The result file, kept in the jobs folder (JOBS_FOLDER), not in the database.
    result_name: Mapped[str | None] = mapped_column(String(120))
    result_mimetype: Mapped[str | None] = mapped_column(String(120))
    result_once: Mapped[bool] = mapped_column(default=False)  # deleted at the first download
    result_taken_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    # Written every JOBS_BEAT_SECONDS by the consumer running the job: a running job whose
    # beat stopped (its process was killed) is failed by the periodic "reap-stale-jobs".
    beat_at: Mapped[datetime | None] = mapped_column()

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
