"""Quiz list, quiz page, the attempt (plain form plus JS autosave) and its result."""

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.forms import ConfirmForm
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes import drawing, plainform, practice, queries, services
from trainer.quizzes.models import Attempt, Quiz
from trainer.quizzes.policies import graded_first
from trainer.quizzes.review import navigator, toggle_flag
from trainer.quizzes.views.blueprint import bp
from trainer.quizzes.views.common import (
    begin_writing,
    context_for,
    done_writing,
    get_attempt,
    get_quiz,
    grade_overdue_first,
    read_first,
)
from trainer.unit_of_work import answers_json, refusal_redirects


@bp.before_app_request
def grade_overdue_for_other_pages() -> None:
    """Pages of other domains registered in policies.graded_first."""
    if graded_first.get(request.endpoint or "") and current_user.is_authenticated:
        grade_overdue_first()


@bp.route("/quizzes")
@login_required
def index():
    grade_overdue_first()
    if current_user.role in queries.STAFF:
        page = db.paginate(queries.visible_quizzes(current_user).order_by(Quiz.id.desc()),
                           per_page=20, error_out=False)
        return render_template("quizzes/manage.html", page=page)
    stmt = queries.open_now(queries.visible_quizzes(current_user)).order_by(Quiz.id.desc())
    page = db.paginate(stmt, per_page=20, error_out=False)
    attempts = db.session.scalars(queries.my_attempts(current_user.id).limit(10)).all()
    return render_template("quizzes/index.html", page=page, attempts=attempts)


@bp.route("/quizzes/<int:quiz_id>")
@login_required
def quiz(quiz_id: int):
    grade_overdue_first()
    quiz = get_quiz(quiz_id)
    attempts = db.session.scalars(queries.my_attempts(current_user.id).where(
        Attempt.quiz_id == quiz.id, Attempt.context != "competition")).all()
    can_manage = queries.can_manage_quiz(current_user, quiz)
    return render_template(
        "quizzes/quiz.html", quiz=quiz, attempts=attempts, form=ConfirmForm(),
        open_attempt=next((a for a in attempts if a.submitted_at is None), None),
        can_manage=can_manage, shortfall=can_manage and drawing.shortfall_now(quiz),
        now=utcnow())


@bp.post("/quizzes/<int:quiz_id>/start")
@login_required
@refusal_redirects(".quiz", "quiz_id", only=Conflict)  # not open, closed, no attempts left
def start(quiz_id: int):
    quiz = get_quiz(quiz_id)
    attempt, _created = services.start_attempt(current_user, quiz, context=context_for(quiz))
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def render_attempt(attempt: Attempt, problems: dict[int, str], status: int = 200):
    return render_template(
        "quizzes/attempt.html", attempt=attempt, problems=problems, now=utcnow(),
        **plainform.page_context(attempt),
        checked=practice.instant_review(attempt) if attempt.instant else {},
        form=ConfirmForm()), status


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = get_attempt(attempt_id)
    if not services.accepts_saves(attempt):
        return redirect(url_for(".result", attempt_id=attempt.id))
    page, status = render_attempt(attempt, {})
    response = make_response(page, status)
    if attempt.context == "practice":
        # The service worker may keep a practice page to answer offline: it holds no key,
        # and practice draws no question that anything withholds (quizzes/withheld.py).
        response.headers["X-GT-Practice"] = "1"
    return response


def _action(value: str) -> tuple[str, int | None]:
    """The plain form's button: save, review (to the summary before submitting), submit
    (the countdown's, or a client's own), flag:<question id>, check:<question id>."""
    kind, _sep, number = value.partition(":")
    return kind, queries.plain_id(number)


@bp.post("/attempts/<int:attempt_id>")
@login_required
def save_form(attempt_id: int):
    attempt = get_attempt(attempt_id)
    action, question_id = _action(request.form.get("action", "save"))
    if not services.accepts_saves(attempt):
        late = attempt.submitted_at is None
        services.submit_attempt(attempt, reveal=False)
        if late:
            flash(_("Time was up: the answers saved before the deadline were graded."),
                  "error")
        return redirect(url_for(".result", attempt_id=attempt.id))
    answers, empty = plainform.form_answers(attempt, request.form)
    problems = services.save_answers(attempt, answers)
    plainform.clear_unchanged(attempt, empty)
    if problems:
        return render_attempt(attempt, problems, 422)  # the good answers are kept
    if action == "submit":
        services.submit_attempt(attempt, reveal=False)
        return redirect(url_for(".result", attempt_id=attempt.id))
    if action == "review":
        return redirect(url_for(".summary", attempt_id=attempt.id))
    if action == "flag" and question_id is not None:
        toggle_flag(attempt, question_id)
        return redirect(url_for(".attempt", attempt_id=attempt.id, _anchor=f"q{question_id}"))
    if action == "check" and question_id is not None:
        refused = practice.check_answer(attempt, question_id)
        if refused:
            flash(refused, "error")
        if all(item["id"] in practice.instant_review(attempt)
               for item in navigator(attempt)):
            services.submit_attempt(attempt, reveal=False)
            return redirect(url_for(".result", attempt_id=attempt.id))
        return redirect(url_for(".attempt", attempt_id=attempt.id, _anchor=f"q{question_id}"))
    flash(_("Your answers are saved."), "ok")
    return redirect(url_for(".attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    """Before submitting: the unanswered questions first, then the flagged ones, and a
    confirmation (no JavaScript needed)."""
    attempt = get_attempt(attempt_id)
    if not services.accepts_saves(attempt):
        return redirect(url_for(".result", attempt_id=attempt.id))
    nav = navigator(attempt)
    return render_template("quizzes/summary.html", attempt=attempt, nav=nav,
                           unanswered=[item for item in nav if not item["answered"]],
                           flagged=[item for item in nav if item["flagged"]],
                           answered=sum(1 for item in nav if item["answered"]),
                           form=ConfirmForm(), now=utcnow())


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """The summary's confirmed submit."""
    attempt = get_attempt(attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.submit_attempt(attempt, reveal=False)
    return redirect(url_for(".result", attempt_id=attempt.id))


@bp.put("/attempts/<int:attempt_id>/answers/<int:question_id>")
@read_first
@login_required
@answers_json
def autosave(attempt_id: int, question_id: int):
    """The page's autosave (cookie session + CSRF header); JSON like the API."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    user_id = current_user.id
    begin_writing()
    saved = services.save_own_answer(user_id, attempt_id, question_id,
                                     body.get("answer", services.MISSING),
                                     seq=body.get("seq"))
    done_writing()
    return jsonify(saved)


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = get_attempt(attempt_id)
    if attempt.submitted_at is None:
        if services.accepts_saves(attempt):
            return redirect(url_for(".attempt", attempt_id=attempt.id))
        grade_overdue_first()
        attempt = get_attempt(attempt_id)
    reveal = services.review_allowed(attempt)
    return render_template("quizzes/result.html", attempt=attempt, reveal=reveal,
                           result=services.result_json(attempt, reveal=reveal))
