"""A confirmed question import of more than JOB_THRESHOLD questions runs as a background
job ("questions-import"): the preview stays in the request (parsing shows every problem
first), the storing goes in batches of BATCH questions that each commit, with the progress
page counting them. A failure deletes the questions its earlier batches stored."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from trainer.audit import events as audit
from trainer.auth.models import User
from trainer.extensions import db
from trainer.jobs import queue
from trainer.jobs.progress import JobFailed
from trainer.quizzes import imports
from trainer.quizzes.bank import import_questions
from trainer.quizzes.items import from_dict
from trainer.quizzes.models import ImportDraft, Question

BATCH = 100


def is_large(draft: ImportDraft) -> bool:
    return len(draft.questions) > current_app.config.get("QUESTIONS_IMPORT_JOB_THRESHOLD", 200)


def start(user, draft: ImportDraft):
    """Queue the import of a clean draft (refused while it has problems)."""
    if imports.problems_of(draft):
        from trainer.errors import Invalid

        raise Invalid(_("Nothing was imported: fix the problems listed and upload again."))
    return queue.start("questions-import", owner=user,
                       title=_("Question import: %(name)s", name=draft.filename or
                               draft.bank_name)[:120],
                       params={"draft_id": draft.id, "user_id": user.id},
                       unit_id=user.unit_id, total=len(draft.questions))


def run(job, *, draft_id: int, user_id: int) -> None:
    draft = db.session.get(ImportDraft, draft_id)
    user = db.session.get(User, user_id)
    if draft is None or user is None or draft.user_id != user_id:
        raise JobFailed(_("This import has expired. Please upload the file again."))
    if imports.problems_of(draft):
        raise JobFailed(_("Nothing was imported: fix the problems listed and upload again."))
    questions = [from_dict(q) for q in draft.questions]
    bank_name, department_id = draft.bank_name, draft.department_id
    db.session.commit()  # the reading ends: nothing written yet
    job.set_total(len(questions))
    created: list[int] = []
    job.on_failure(lambda: _delete(created))
    added = 0
    for at in range(0, len(questions), BATCH):
        with job.batch():
            chunk = questions[at:at + BATCH]
            added += import_questions(chunk, bank_name, department_id=department_id,
                                      author=db.session.get(User, user_id),
                                      created=created)[0]
            job.step(len(chunk))
    with job.batch():
        db.session.execute(sa.delete(ImportDraft).where(ImportDraft.id == draft_id))
        author = db.session.get(User, user_id)
        audit.record("questions_imported", actor=author, object_type="bank",
                     object_label=bank_name, unit=author.unit,
                     details={"added": added, "existing": len(questions) - added,
                              "job": job.id})
    job.report(_("%(added)s questions imported (%(skipped)s were already in the bank).",
                 added=added, skipped=len(questions) - added))


def _delete(ids: list[int]) -> None:
    from trainer.quizzes.bank import announce_questions

    for at in range(0, len(ids), 500):
        db.session.execute(sa.delete(Question).where(Question.id.in_(ids[at:at + 500])))
    if ids:
        announce_questions(*ids)  # the search index forgets them too
