"""How the privacy domain plugs into the others (called by the factory): the daily backup
as a periodic job of the queue (``flask jobs work`` runs it), and what erasure scrubs in
the job queue's records (the jobs domain is core, without wiring of its own)."""

from flask import Flask, current_app

from trainer.auth.erasers import erasers
from trainer.jobs.queue import Periodic, periodic
from trainer.privacy import backup, jobs_erasure


def daily_backup() -> None:
    """BACKUP_DIR gets a new backup, and only the newest BACKUP_KEEP stay."""
    out, removed = backup.daily()
    current_app.logger.info("daily backup %s; removed %d older", out, len(removed))


def init_app(app: Flask) -> None:
    periodic.register("daily-backup", Periodic(daily_backup, minute="15", hour="3"))
    erasers.register("jobs", jobs_erasure.ERASER)
