"""Helpers shared by the quiz route modules and the quiz endpoints of the API."""

from functools import wraps

from flask_babel import gettext as _
from flask_login import current_user

from trainer.database import set_write_intent, write_transaction
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.quizzes import practice, queries, services
from trainer.quizzes.models import Attempt, Quiz


def get_quiz(quiz_id: int) -> Quiz:
    quiz = db.session.scalar(queries.visible_quizzes(current_user).where(Quiz.id == quiz_id))
    if quiz is None:
        raise NotFound(_("The page or item was not found."))
    return quiz


def get_attempt(attempt_id: int) -> Attempt:
    attempt = queries.own_attempt(current_user, attempt_id)
    if attempt is None:
        raise NotFound(_("The page or item was not found."))
    return attempt


def grade_overdue_first(*, quiz_id: int | None = None) -> None:
    """Before showing a list or a result: grade attempts left past their deadline (the
    caller's, or a quiz's) and, for the caller, put the misses of after-close quizzes that
    have closed into the notebook. A GET that must write: only when there is something to
    do, it writes in a transaction of its own (write_transaction), committed at once."""
    user_id = None if quiz_id is not None else current_user.id
    if user_id is not None:
        pending = queries.has_pending_grading(user_id)
    else:
        pending = queries.has_overdue(None, quiz_id)
    if pending:
        grade_pending(user_id, quiz_id)


def grade_pending(user_id: int | None, quiz_id: int | None = None) -> None:
    """The writing half of ``grade_overdue_first``, for a view that learnt in its own
    statement that the caller has grading pending (queries.pending_grading_clause)."""
    with write_transaction():
        services.grade_overdue(user_id, quiz_id)
        if user_id is not None:
            practice.note_closed_attempts(user_id)


def read_first(view):
    """Identify the caller in a reading transaction, then start the writing one just for
    the save: on SQLite the write lock is held for the few statements of the save only."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        set_write_intent(False)
        return view(*args, **kwargs)

    return wrapped


def begin_writing() -> None:
    """On SQLite, end the reading transaction so the next statement begins a writing one
    (closed rather than rolled back: an account already loaded stays loaded, not expired
    and re-read for the response headers). PostgreSQL goes on in the same transaction,
    with whatever it locked."""
    if db.engine.dialect.name == "sqlite":
        db.session.close()
        set_write_intent(True)


def done_writing() -> None:
    """The save is written: the unit of work commits it as the view returns, and whatever
    is read after that (the response headers) begins a reading transaction, without the
    lock. The transaction under way stays the writing one it began as."""
    set_write_intent(False)


def context_for(quiz: Quiz) -> str:
    return "module" if quiz.course_id is not None else "quiz"
