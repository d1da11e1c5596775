"""What a job's function gets: ``run(job: JobContext, **params)``.

Inside a job, reads begin deferred (on SQLite they take no write lock, so logins never wait
on a job's reading or hashing), and every write goes in a short batch that commits::

    job.set_total(len(rows))
    for chunk in chunks(rows, 500):
        with job.batch():                # BEGIN IMMEDIATE ... COMMIT, with the progress
            write(chunk)
            job.step(len(chunk))
        job.error("第 7 行：……")          # errors so far (counted; the first 50 kept)
    job.result(data, "结果.xlsx", XLSX)  # the file the user downloads when it is done
    job.report("导入了 10000 个账号。")    # the line the finished page shows

A job fails by raising: ``JobFailed(message)`` or a DomainError (their message is shown),
anything else as a generic message (and logged). "A failed job changes nothing": work that
batches committed must be undone by the callbacks given to ``job.on_failure(fn)``, which run
(in one write transaction, newest first) before the job is marked failed.
"""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_babel import gettext as _

from trainer import database
from trainer.extensions import db
from trainer.jobs.models import MAX_ERRORS_KEPT, Job
from trainer.models import utcnow


class JobFailed(Exception):
    """Stop the job: ``message`` (for the user, in their language) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def failure_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return _("The job stopped because of an unexpected error; nothing was changed. "
             "Please try again, or ask the administrator to look at the server log.")


class JobContext:
    """The running job, for its function: progress, errors, result, failure undo."""

    SAVE_EVERY = 1.0  # seconds between progress writes outside batches

    def __init__(self, job: Job) -> None:
        from trainer.jobs.queue import job_folder

        self.id, self.kind = job.id, job.kind
        self.owner_id, self.unit_id = job.owner_id, job.unit_id
        self.total, self.done = job.total, 0
        self.error_count, self.errors = 0, []
        self.folder: Path = job_folder(job.id)
        self._report = ""
        self._result: tuple[str, str, bool] | None = None
        self._undo: list[Callable[[], None]] = []
        self._saved_at = 0.0

    # -- inputs --
    def input(self, name: str = "input") -> bytes:
        """A file ``queue.start`` saved for this job."""
        return (self.folder / name).read_bytes()

    # -- progress --
    def set_total(self, total: int) -> None:
        self.total = max(0, int(total))
        self.save()

    def step(self, n: int = 1) -> None:
        """``n`` more units (rows) done; saved with the batch, or by ``save``."""
        self.done += n

    def error(self, message: str) -> None:
        """One more error so far (the first 50 messages are kept for the page)."""
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(str(message)[:300])

    @contextmanager
    def batch(self) -> Iterator[None]:
        """A short write transaction (BEGIN IMMEDIATE on SQLite) that commits the block's
        writes together with the progress so far."""
        with database.write_transaction():
            yield
            self._write_progress()
        self._saved_at = time.monotonic()

    def save(self, force: bool = True) -> None:
        """Write the progress now (in a transaction of its own; commits what is pending),
        or with ``force=False`` only when the last write is over a second old."""
        if not force and time.monotonic() - self._saved_at < self.SAVE_EVERY:
            return
        with self.batch():
            pass

    def _write_progress(self) -> None:
        row = db.session.get(Job, self.id)
        row.total, row.done = self.total, self.done
        row.error_count, row.errors = self.error_count, list(self.errors)

    # -- outcome --
    def result(self, data: bytes, filename: str, mimetype: str, *, once: bool = False) -> None:
        """The file the user downloads when the job is done (``once``: deleted at the first
        download, e.g. initial passwords)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "result"
        path.write_bytes(data)
        os.chmod(path, 0o600)
        self._result = (filename[:120], mimetype[:120], once)

    def report(self, text: str) -> None:
        """The summary the finished page shows (plain text)."""
        self._report = str(text)

    def on_failure(self, undo: Callable[[], None]) -> None:
        """Call ``undo()`` if the job fails (to take back what committed batches wrote)."""
        self._undo.append(undo)

    def _drop_inputs(self) -> None:
        """The uploaded files (personal data, often) are not kept past the job."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name != "result" and path.is_file():
                    path.unlink(missing_ok=True)

    def finish(self) -> None:
        self._drop_inputs()
        with database.write_transaction():
            self._write_progress()
            row = db.session.get(Job, self.id)
            row.status, row.finished_at, row.message = "done", utcnow(), self._report
            if self.total and self.done < self.total and not self.error_count:
                row.done = self.total
            if self._result:
                row.result_name, row.result_mimetype, row.result_once = self._result

    def fail(self, message: str) -> None:
        if self._undo:
            try:
                with database.write_transaction():
                    for undo in reversed(self._undo):
                        undo()
            except Exception:  # noqa: BLE001 - the job is failing already; say so
                import logging

                logging.getLogger("trainer.jobs").exception("undoing job %s failed", self.id)
                message += " " + _("Undoing its partial work failed too: ask the administrator.")
        (self.folder / "result").unlink(missing_ok=True)
        self._drop_inputs()
        with database.write_transaction():
            self._write_progress()
            row = db.session.get(Job, self.id)
            row.status, row.finished_at, row.message = "failed", utcnow(), message[:2000]
