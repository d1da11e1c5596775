"""Browser import: upload, preview every problem, store only once clean and confirmed.
Questions of a type the site has not (a Moodle essay, ...) are listed as skipped and do
not block the rest.

The parsed upload waits server-side in an ImportDraft keyed by a random token (never in
the cookie session); confirming stores the questions and deletes the draft.
"""

import secrets
from dataclasses import asdict
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.audit import events as audit
from trainer.errors import Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.bank import import_questions, parse_upload
from trainer.quizzes.items import ImportProblem, from_dict, to_dict
from trainer.quizzes.models import ImportDraft

DRAFT_LIFETIME = timedelta(hours=12)


def create_draft(user, filename: str, data: bytes, bank_name: str,
                 department_id: int | None) -> ImportDraft:
    """Parse an upload and keep it for the preview (old drafts of the user are dropped)."""
    questions, problems = parse_upload(filename, data)
    if not questions and all(problem.skipped for problem in problems):
        problems = [ImportProblem(1, "", _("The file holds no questions."))]
    db.session.execute(sa.delete(ImportDraft).where(
        sa.or_(ImportDraft.user_id == user.id, ImportDraft.created_at < utcnow() - DRAFT_LIFETIME)))
    draft = ImportDraft(token=secrets.token_urlsafe(32), user_id=user.id,
                        filename=(filename or "")[:200], bank_name=bank_name[:120],
                        department_id=department_id,
                        questions=[to_dict(q) for q in questions],
                        problems=[asdict(p) for p in problems])
    db.session.add(draft)
    db.session.flush()
    return draft


def get_draft(user, token: str) -> ImportDraft:
    """The user's own, unexpired draft (404 otherwise)."""
    draft = db.session.scalar(sa.select(ImportDraft).where(
        ImportDraft.token == token, ImportDraft.user_id == user.id,
        ImportDraft.created_at >= utcnow() - DRAFT_LIFETIME))
    if draft is None:
        raise NotFound(_("This import has expired. Please upload the file again."))
    return draft


def problems_of(draft: ImportDraft) -> list[ImportProblem]:
    """The problems that block the import (every one must be fixed first)."""
    return [problem for problem in all_problems(draft) if not problem.skipped]


def skipped_of(draft: ImportDraft) -> list[ImportProblem]:
    """The questions left out (a type the site has not), with their line and why."""
    return [problem for problem in all_problems(draft) if problem.skipped]


def all_problems(draft: ImportDraft) -> list[ImportProblem]:
    """Every problem in file order, blocking or skipped."""
    return [ImportProblem(**p) for p in draft.problems]


def confirm_draft(user, draft: ImportDraft) -> tuple[int, int]:
    """Store a clean draft's questions: (added, already in the bank)."""
    if problems_of(draft):
        raise Invalid(_("Nothing was imported: fix the problems listed and upload again."))
    result = import_questions([from_dict(q) for q in draft.questions], draft.bank_name,
                              department_id=draft.department_id, author=user)
    audit.record("questions_imported", actor=user, object_type="bank",
                 object_label=draft.bank_name, unit=user.unit,
                 details={"added": result[0], "existing": result[1], "file": draft.filename})
    db.session.delete(draft)
    db.session.flush()
    return result
