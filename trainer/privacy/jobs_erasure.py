"""What the job queue keeps of a person, scrubbed on erasure (registered by the privacy
domain's wiring: the jobs domain is core and has no wiring): a job's title, report and
error lines may name them (an import's "第 7 行：张三……"); the person's own jobs are shown
in their data."""

import sqlalchemy as sa

from trainer.auth.erasers import Erased, Eraser, replace_mentions, rows
from trainer.extensions import db
from trainer.jobs.models import Job


def scrub(erased: Erased) -> None:
    replace_mentions(erased, Job.title, Job.message)
    # JSON text escapes non-ASCII characters, so the error lines are searched here, not in
    # SQL (erasures are rare; jobs with errors few).
    for job in db.session.scalars(sa.select(Job).where(Job.error_count > 0)):
        lines = [erased.scrub_text(e) if isinstance(e, str) else e for e in job.errors or []]
        if lines != job.errors:
            job.errors = lines


def export(user_id: int) -> dict:
    return {"jobs": rows(sa.select(Job.kind, Job.title, Job.status, Job.created_at,
                                   Job.finished_at, Job.message)
                         .where(Job.owner_id == user_id).order_by(Job.id))}


ERASER = Eraser(columns=("jobs.title/message/errors: 后台任务中提到本人之处",),
                scrub=scrub, export=export)
