"""Quiz endpoints of /api/v1: list, start, autosave, submit, resume, the notebook."""

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp, json_body, paginated
from trainer.auth.services import bearer_digest
from trainer.errors import NotFound
from trainer.quizzes import fastsave, queries, services, spaced
from trainer.quizzes.models import Attempt, Quiz
from trainer.quizzes.views.common import (
    begin_writing,
    context_for,
    done_writing,
    get_quiz,
    grade_overdue_first,
    read_first,
)
from trainer.quizzes.withheld import withheld_questions


def quiz_item(quiz: Quiz) -> dict:
    return {"id": quiz.id, "title": quiz.title,
            "course": quiz.course.slug if quiz.course is not None else None}


def own_attempt(attempt_id: int) -> Attempt:
    attempt = queries.own_attempt(current_user, attempt_id)
    if attempt is None:
        raise NotFound(_("The page or item was not found."))
    return attempt


@bp.get("/quizzes")
@api_auth()
def quizzes_list():
    grade_overdue_first()
    stmt = queries.visible_quizzes(current_user)
    if current_user.role not in queries.STAFF:
        stmt = queries.open_now(stmt)
    return paginated(stmt.order_by(Quiz.id), quiz_item)


@bp.post("/quizzes/<int:quiz_id>/attempts")
@api_auth()
def quizzes_start(quiz_id: int):
    quiz = get_quiz(quiz_id)
    attempt, created = services.start_attempt(current_user, quiz, context=context_for(quiz))
    return services.attempt_json(attempt, fresh=created), 201 if created else 200


@bp.get("/attempts/<int:attempt_id>")
@api_auth()
def quizzes_attempt(attempt_id: int):
    if not services.accepts_saves(own_attempt(attempt_id)):
        grade_overdue_first()
    attempt = own_attempt(attempt_id)
    body = services.attempt_json(attempt)
    if attempt.submitted_at is not None:
        body["result"] = services.result_json(attempt, reveal=services.review_allowed(attempt))
    return body


@bp.put("/attempts/<int:attempt_id>/answers/<int:question_id>")
@read_first
def quizzes_save_answer(attempt_id: int, question_id: int):
    """The hot path of a timed quiz. A save to an attempt this process has saved to
    before is one statement (see fastsave). Otherwise the caller's token is checked
    inside the statement that reads the attempt, so no account is loaded; anything
    else (no token, a bad one, someone else's or no such attempt) takes the usual way,
    which answers 401 or 404 as every other endpoint does. On SQLite the read and
    checks run outside the write lock and the write is one guarded upsert in a
    transaction of its own, so the two app processes hold the lock for a fraction of a
    millisecond per save."""
    digest = bearer_digest(request.headers.get("Authorization", ""))
    if digest:  # an attempt this process knows: the whole save is one statement
        saved = fastsave.save(digest, attempt_id, question_id, request.get_json(silent=True))
        if saved is not None:
            return saved
    found = services.locate_for_token(digest, attempt_id) if digest else None
    if found is None:
        if not current_user.is_authenticated:
            abort(401)
        json_body()  # a bad body is a 400 before the 404, as on every endpoint
        raise NotFound(_("The page or item was not found."))
    fastsave.remember(attempt_id, found)
    data = json_body()
    seq = data.get("seq")
    value = services.checked_answer(found, question_id, data.get("answer", services.MISSING),
                                    seq)
    begin_writing()
    saved = services.store_answer(attempt_id, question_id, value, seq)
    done_writing()
    return saved


@bp.post("/attempts/<int:attempt_id>/submit")
@api_auth()
def quizzes_submit(attempt_id: int):
    attempt = own_attempt(attempt_id)
    return services.submit_attempt(attempt, reveal=None)


@bp.get("/me/mistakes")
@api_auth()
def quizzes_mistakes():
    """The notebook: keys, explanations and feedback null while withheld (withheld.py)."""
    grade_overdue_first()
    user_id = current_user.id
    hidden = withheld_questions(user_id)
    return paginated(queries.notebook(user_id),
                     lambda mistake: spaced.notebook_items(user_id, [mistake], hidden)[0])


@bp.get("/me/practice")
@api_auth()
def quizzes_practice_summary():
    """Reviews due today, today's answers and goal, the streak, this year's practice days."""
    grade_overdue_first()
    return spaced.practice_summary(current_user)
