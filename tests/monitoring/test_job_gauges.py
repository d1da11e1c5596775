"""The job queue's gauges (registered by the lead at merge) count the ``jobs`` table."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from trainer.models import UTCDateTime
from trainer.monitoring import job_gauges


def test_counts_queued_running_and_recent_failures():
    engine = sa.create_engine("sqlite://")
    meta = sa.MetaData()
    jobs = sa.Table("jobs", meta, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("status", sa.String(10)),
                    sa.Column("finished_at", UTCDateTime(timezone=True)))
    meta.create_all(engine)
    now = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    rows = [("queued", None), ("queued", None), ("running", None), ("done", now),
            ("failed", now - timedelta(minutes=5)), ("failed", now - timedelta(hours=2))]
    with engine.begin() as conn:
        conn.execute(jobs.insert(), [{"status": s, "finished_at": f} for s, f in rows])
        assert job_gauges.counts(conn, now) == (2, 1, 1)
        conn.execute(jobs.delete())
        assert job_gauges.counts(conn, now) == (0, 0, 0)
