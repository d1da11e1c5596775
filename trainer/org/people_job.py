"""The people import as a background job ("people-import"): the upload page saves the file
and starts it; the progress page shows rows done of total and the problems found.

1. Read the sheet and check every row against the database, writing nothing (reads only:
   no write lock while a big file is parsed). Any problem fails the job with every problem
   listed: an import is all rows or none.
2. Create the accounts in batches of BATCH rows, each hashed before and written in a short
   transaction of its own, so that logins never wait for the import.
3. The initial passwords become a spreadsheet the admin downloads once.

Should a batch fail (a username taken meanwhile), the batches already written are deleted
again: a failed import changes nothing.
"""

import logging

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import spreadsheets
from trainer.audit import events as audit
from trainer.auth.models import User
from trainer.extensions import db
from trainer.jobs.progress import JobFailed
from trainer.org import people, services

BATCH = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
log = logging.getLogger("trainer.org")


def run(job, *, filename: str, actor_id: int) -> None:
    try:
        rows, problems = people.parse_people(people.read_table(job.input(), filename))
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc
    actor = db.session.get(User, actor_id)
    if actor is None:
        raise JobFailed(_("The account that started the import no longer exists."))
    checked, problems = services.check_people(rows, actor, problems)
    db.session.commit()  # the reading ends here: nothing was written
    if problems:
        for problem in problems:
            job.error(str(problem))
        job.set_total(0)
        raise JobFailed(_("%(n)s rows have problems (listed below); nothing was imported. "
                          "Please fix them and upload the file again.", n=len(problems)))
    job.set_total(len(checked))
    created: list[int] = []
    job.on_failure(lambda: _delete(created))
    handed_out = []
    for at in range(0, len(checked), BATCH):
        plan = services.initial_passwords(checked[at:at + BATCH])  # hashing: no lock held
        with job.batch():
            made = services.create_people(plan)
            db.session.flush()
            created.extend(user.id for user, _password in made)
            handed_out += [(user.username, user.name, password) for user, password in made]
            job.step(len(made))
    job.result(_passwords_sheet(handed_out), _("initial-passwords.xlsx"), XLSX, once=True)
    with job.batch():
        audit.record("people_imported", actor=db.session.get(User, actor_id),
                     object_type="job", object_id=job.id, object_label=filename,
                     details={"count": len(created), "file": filename, "job": job.id})
    job.report(_("%(n)s accounts created. Download their initial passwords below (only "
                 "once) and hand each person theirs; they should change it at first login.",
                 n=len(created)))
    log.info("people_imported job=%s count=%s actor=%s", job.id, len(created), actor_id)


def _passwords_sheet(rows) -> bytes:
    header = ["用户名", "姓名", _("Initial password")]  # the import sheet's own column names
    return spreadsheets.workbook_bytes([(_("Initial passwords"), header,
                                         [list(r) for r in rows])])


def _delete(ids: list[int]) -> None:
    for at in range(0, len(ids), 500):
        db.session.execute(sa.delete(User).where(User.id.in_(ids[at:at + 500])))
