"""What the quizzes domain erases of a person (their unfinished import drafts) and shows
them of their data (attempts and scores, the wrong-answer notebook)."""

import sqlalchemy as sa

from trainer.auth.erasers import Erased, Eraser, rows
from trainer.extensions import db
from trainer.quizzes.models import Attempt, ImportDraft, Mistake


def scrub(erased: Erased) -> None:
    # An import draft is the uploaded file's text, kept only between preview and confirm.
    db.session.execute(sa.delete(ImportDraft).where(ImportDraft.user_id == erased.user_id))


def export(user_id: int) -> dict:
    return {
        "attempts": rows(sa.select(Attempt.id, Attempt.label, Attempt.context,
                                   Attempt.started_at, Attempt.submitted_at, Attempt.score,
                                   Attempt.max_score, Attempt.percent, Attempt.passed)
                         .where(Attempt.user_id == user_id).order_by(Attempt.id)),
        "mistakes": rows(sa.select(Mistake.question_id, Mistake.wrong_count,
                                   Mistake.last_wrong_at, Mistake.cleared_at)
                         .where(Mistake.user_id == user_id).order_by(Mistake.id)),
        "import_drafts": rows(sa.select(ImportDraft.filename, ImportDraft.bank_name,
                                        ImportDraft.created_at)
                              .where(ImportDraft.user_id == user_id)),
    }


ERASER = Eraser(columns=("question_imports: 本人未完成的题目导入草稿（整行删除）",),
                scrub=scrub, export=export)
