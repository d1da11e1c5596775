"""Scrape-time gauges of the job queue (registered by trainer/monitoring/wiring.py).

Read from the ``jobs`` table (one query) rather than from Huey's storage, so the numbers
are the same whichever storage (SQLite or Redis) the queue uses."""

from datetime import timedelta

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily

from trainer.models import utcnow

JOBS = sa.table("jobs", sa.column("status"), sa.column("finished_at"))
RECENT = timedelta(hours=1)


def counts(connection, now=None) -> tuple[int, int, int]:
    """(queued, running, failed within the last hour)."""
    since = (now or utcnow()) - RECENT
    failed_recently = sa.and_(JOBS.c.status == "failed", JOBS.c.finished_at > since)

    def count_of(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = connection.execute(
        sa.select(count_of(JOBS.c.status == "queued"), count_of(JOBS.c.status == "running"),
                  count_of(failed_recently))
        .where(sa.or_(JOBS.c.status.in_(("queued", "running")), failed_recently))).one()
    return int(row[0]), int(row[1]), int(row[2])


def collect():
    from trainer.extensions import db

    queued, running, failed = counts(db.session)
    yield GaugeMetricFamily("gt_jobs_queued", "Background jobs waiting to run.", value=queued)
    yield GaugeMetricFamily("gt_jobs_running", "Background jobs running now.", value=running)
    yield GaugeMetricFamily("gt_jobs_failed_last_hour",
                            "Background jobs that failed within the last hour.", value=failed)
