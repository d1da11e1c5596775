"""The job queue: Huey, with SQLite storage by default and Redis when REDIS_URL is set.

Work that can outlast a request (an import of thousands of rows, an export, grading rounds
that closed) runs in the consumer, ``flask jobs work``, beside the web server.

How a domain uses it (registries owned here, filled from a domain's wiring, which only the
application factory calls; trainer/domains.py lists who registers):

- declare a kind of job: ``tasks.register("people-import", run)``, where
  ``run(job: JobContext, **params)`` does the work (see trainer.jobs.progress);
- start one from a view or service: ``queue.start("people-import", owner=current_user,
  title=..., params={...}, files={"input": data})`` adds a ``Job`` row and hands its id to
  the queue *once the session commits* (a request rolled back starts nothing); then send the
  user to ``url_for("jobs.show", job_id=job.id)``, the progress page;
- a periodic task: ``periodic.register("grade-closed-rounds", Periodic(fn, minute="*"))``
  runs ``fn()`` in an app context on a crontab schedule (only while ``flask jobs work``
  runs; ``flask jobs run-periodic NAME`` runs one now).

Huey itself carries only job ids (one task, ``run_job``); what to do, progress, errors and
the result live in the ``jobs`` table and the jobs folder (``JOBS_FOLDER``, default
``instance/jobs``: the web server and the consumer must share it).

Configuration: ``JOBS_IMMEDIATE`` (tests: a job runs inside the commit that starts it, in
an app context of its own), ``JOBS_REDIS_URL`` (default ``REDIS_URL``), ``JOBS_QUEUE_FILE``
(the SQLite storage, default ``instance/jobs-queue.sqlite3``), ``JOBS_QUEUE_NAME``,
``JOBS_BEAT_SECONDS`` (default 30: how often a running job's consumer writes its heartbeat)
and ``JOBS_STALE_SECONDS`` (default 180: a running job whose heartbeat is older is failed by
the periodic "reap-stale-jobs", and when a consumer starts: its process was killed).
"""

import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_babel import force_locale, get_locale

from trainer.extensions import db
from trainer.jobs.models import Job
from trainer.models import utcnow
from trainer.registry import Registry

log = logging.getLogger("trainer.jobs")

tasks: Registry[Callable] = Registry(
    "jobs.tasks", "Kinds of job: kind -> run(job: JobContext, **params), run by the consumer.")


@dataclass(frozen=True)
class Periodic:
    """``run()`` on a crontab schedule (Huey's ``crontab``: strings like "*/5")."""

    run: Callable[[], object]
    minute: str = "*"
    hour: str = "*"
    day: str = "*"
    month: str = "*"
    day_of_week: str = "*"


periodic: Registry[Periodic] = Registry(
    "jobs.periodic", "Periodic tasks: name -> Periodic(run, crontab fields).")

_PENDING = "jobs_to_enqueue"


def init_app(app: Flask) -> None:
    """Settings and the after-commit hook that hands started jobs to the queue."""
    defaults = {"JOBS_FOLDER": os.path.join(app.instance_path, "jobs"),
                "JOBS_QUEUE_FILE": os.path.join(app.instance_path, "jobs-queue.sqlite3"),
                "JOBS_QUEUE_NAME": "grid-trainer", "JOBS_IMMEDIATE": False,
                "JOBS_BEAT_SECONDS": 30, "JOBS_STALE_SECONDS": 180}
    for key, value in defaults.items():
        if app.config.get(key) is None:
            app.config[key] = value
    periodic.register("purge-job-files", Periodic(purge_old_files, minute="17", hour="3"))
    periodic.register("reap-stale-jobs", Periodic(reap_stale_jobs, minute="*/5"))
    if not sa.event.contains(sa.orm.Session, "after_commit", _after_commit):
        sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
        sa.event.listen(sa.orm.Session, "after_rollback", _after_rollback)


# -- the Huey instance ------------------------------------------------------------------


class _Queue:
    def __init__(self, huey, run_job) -> None:
        self.huey, self.run_job = huey, run_job


def huey_of(app: Flask | None = None):
    """The app's Huey instance, built on first use (after the domains registered)."""
    return _queue(app or current_app._get_current_object()).huey


def _queue(app: Flask) -> _Queue:
    queue = app.extensions.get("trainer_jobs")
    if queue is None:
        queue = app.extensions["trainer_jobs"] = _build(app)
    return queue


def _build(app: Flask) -> _Queue:
    from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

    name = app.config["JOBS_QUEUE_NAME"]
    redis_url = app.config.get("JOBS_REDIS_URL") or app.config.get("REDIS_URL")
    if app.config.get("JOBS_IMMEDIATE"):
        huey = MemoryHuey(name, immediate=True)
    elif redis_url:
        huey = RedisHuey(name, url=redis_url)
    else:
        Path(app.config["JOBS_QUEUE_FILE"]).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=app.config["JOBS_QUEUE_FILE"])

    @huey.task(name="run_job", retries=0)
    def run_job(job_id: int) -> None:
        _run(app, job_id)

    for key, spec in periodic.items():
        schedule = crontab(minute=spec.minute, hour=spec.hour, day=spec.day,
                           month=spec.month, day_of_week=spec.day_of_week)
        huey.periodic_task(schedule, name=f"periodic:{key}")(_periodic_runner(app, key))
    return _Queue(huey, run_job)


def _periodic_runner(app: Flask, key: str) -> Callable[[], None]:
    def run() -> None:
        run_periodic(key, app)

    return run


def run_periodic(key: str, app: Flask | None = None) -> object:
    """Run the periodic task ``key`` now, in an app context of its own; commits its work."""
    app = app or current_app._get_current_object()
    spec = periodic.get(key)
    if spec is None:
        raise LookupError(f"no periodic task {key!r}")
    with app.app_context():
        try:
            result = spec.run()
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            log.exception("periodic task %s failed", key)
            raise
        finally:
            db.session.remove()


def purge_old_files() -> int:
    """Delete the files of jobs finished more than JOBS_KEEP_DAYS (default 7) days ago (the
    rows stay, for the list): how many folders went. Daily at 03:17."""
    from datetime import timedelta

    days = current_app.config.get("JOBS_KEEP_DAYS", 7)
    old = db.session.scalars(sa.select(Job.id).where(
        Job.finished_at < utcnow() - timedelta(days=days))).all()
    gone = 0
    for job_id in old:
        folder = job_folder(job_id)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone


def reap_stale_jobs() -> int:
    """Fail the running jobs whose heartbeat stopped more than JOBS_STALE_SECONDS ago (their
    consumer was killed or restarted mid-run, so nothing will finish them): how many. Their
    users read why on the progress page instead of watching "running" for ever. Every five
    minutes, and when a consumer starts."""
    from datetime import timedelta

    from flask_babel import gettext as _

    limit = utcnow() - timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    beat = sa.func.coalesce(Job.beat_at, Job.started_at)
    stale = db.session.scalars(sa.select(Job).where(Job.status == "running", beat < limit)).all()
    reaped = 0
    for job in stale:
        with force_locale((job.params or {}).get("_locale", "zh_CN")):
            message = _("The job stopped while it was running (the background process was "
                        "restarted or killed). Part of its work may have been saved: check "
                        "it, then start the job again.")
        gone = db.session.execute(
            sa.update(Job).where(Job.id == job.id, Job.status == "running", beat < limit)
            .values(status="failed", finished_at=utcnow(), message=message)).rowcount
        if gone:
            reaped += 1
            log.warning("job %s (%s) failed: its heartbeat stopped", job.id, job.kind)
    return reaped


class _Heartbeat(threading.Thread):
    """Writes a running job's ``beat_at`` every JOBS_BEAT_SECONDS, on a connection of its
    own, until stopped: the proof that the job's process is alive."""

    def __init__(self, app: Flask, job_id: int) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.app, self.job_id, self.stopped = app, job_id, threading.Event()

    def run(self) -> None:
        every = self.app.config["JOBS_BEAT_SECONDS"]
        while not self.stopped.wait(every):
            try:
                with self.app.app_context(), db.engine.begin() as conn:
                    conn.execute(sa.update(Job).where(Job.id == self.job_id,
                                                      Job.status == "running")
                                 .values(beat_at=utcnow()))
            except Exception:  # noqa: BLE001 - a missed beat is retried; never kill the job
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)


# -- starting a job -------------------------------------------------------------------


def start(kind: str, *, owner, title: str, params: dict | None = None, unit_id: int | None = None,
          total: int = 0, files: dict[str, bytes] | None = None) -> Job:
    """Add a queued ``Job`` of ``kind`` (its function gets ``params`` as keywords, so they
    must be JSON values) and save ``files`` (name -> bytes, read back with
    ``job.input(name)``) in its folder. The queue gets the job when this session commits."""
    if tasks.get(kind) is None:
        raise LookupError(f"no job kind {kind!r}")
    job = Job(kind=kind, owner_id=getattr(owner, "id", owner), unit_id=unit_id,
              title=title[:120], params=dict(params or {}), total=total,
              errors=[], message="")
    job.params["_locale"] = str(get_locale() or "zh_CN") if has_app_context() else "zh_CN"
    db.session.add(job)
    db.session.flush()
    folder = job_folder(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (files or {}).items():
        (folder / _safe(name)).write_bytes(data)
    db.session.info.setdefault(_PENDING, []).append(job.id)
    return job


def _after_commit(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    queue = _queue(current_app._get_current_object())
    for job_id in pending:
        queue.huey.enqueue(queue.run_job.s(job_id))


def _after_rollback(session) -> None:
    for job_id in session.info.pop(_PENDING, None) or ():
        shutil.rmtree(job_folder(job_id), ignore_errors=True)


def job_folder(job_id: int) -> Path:
    return Path(current_app.config["JOBS_FOLDER"]) / str(int(job_id))


def _safe(name: str) -> str:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"bad job file name {name!r}")
    return name


# -- running a job --------------------------------------------------------------------


def _run(app: Flask, job_id: int) -> None:
    """The consumer's side: run the job's function and record how it ended. A job that is
    no longer queued (run already, or its start rolled back) is left alone."""
    from trainer import database
    from trainer.jobs.progress import JobContext, failure_message

    before = database.write_intent()  # immediate mode runs inside the caller's context
    heartbeat = None
    with app.app_context():
        database.set_write_intent(True)
        try:
            claimed = db.session.execute(
                sa.update(Job).where(Job.id == job_id, Job.status == "queued")
                .values(status="running", started_at=utcnow(), beat_at=utcnow())).rowcount
            db.session.commit()
            if not claimed:
                return
            if not app.config.get("JOBS_IMMEDIATE"):
                heartbeat = _Heartbeat(app, job_id)
                heartbeat.start()
            job = db.session.get(Job, job_id)
            params = dict(job.params or {})
            locale = params.pop("_locale", "zh_CN")
            run = tasks.get(job.kind)
            context = JobContext(job)
            db.session.commit()
            database.set_write_intent(False)  # the job's reads begin deferred (JobContext)
            with force_locale(locale):
                try:
                    if run is None:
                        raise LookupError(f"no job kind {job.kind!r}")
                    run(context, **params)
                except BaseException as exc:
                    db.session.rollback()
                    database.set_write_intent(True)
                    if not _is_expected(exc):
                        log.exception("job %s (%s) failed", job_id, job.kind)
                    context.fail(failure_message(exc))
                    if not isinstance(exc, Exception):
                        raise
                else:
                    database.set_write_intent(True)
                    context.finish()
        finally:
            if heartbeat is not None:
                heartbeat.stopped.set()
            db.session.remove()
            database.set_write_intent(before)


def _is_expected(exc: BaseException) -> bool:
    from trainer.errors import DomainError
    from trainer.jobs.progress import JobFailed

    return isinstance(exc, JobFailed | DomainError)
