"""Quiz settings and results for staff (trainers, organisers, admins)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.audit import events as audit
from trainer.auth.access import staff_required
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Department, Unit
from trainer.org.pickers import by_department
from trainer.org.scope import street_id_of, units_query, users_query
from trainer.quizzes import authoring, drawing, queries
from trainer.quizzes.forms import QuizForm, competency_choices
from trainer.quizzes.models import Attempt, Question, Quiz
from trainer.quizzes.views.blueprint import bp
from trainer.quizzes.views.common import get_quiz, grade_overdue_first
from trainer.unit_of_work import refusal_on


def local_zone() -> ZoneInfo:
    from trainer.localtime import local_zone as configured  # the one reading of the zone

    return configured()


def aware(value: datetime | None) -> datetime | None:
    """A datetime-local field's value read as local time."""
    return value.replace(tzinfo=local_zone()) if value is not None else None


def quiz_form(quiz: Quiz | None = None) -> QuizForm:
    form = QuizForm(data=initial_data(quiz) if quiz is not None else None)
    depts = [("", _("Any department"))] + [(str(d.id), d.name) for d in db.session.scalars(
        sa.select(Department).order_by(Department.id))]
    for entry in form.rules:
        entry.form.department.choices = depts
        entry.form.competency.choices = competency_choices(_("Any competency"))
    streets = db.session.scalars(units_query(current_user).where(Unit.level == "street"))
    own = street_id_of(current_user)
    form.street.choices = ([] if own else [("", _("The whole district"))]) + [
        (str(u.id), u.name) for u in streets if own is None or u.id == own]
    form.question_ids.choices = question_choices(quiz)
    return form


def question_choices(quiz: Quiz | None) -> list:
    """Active questions the user may use, by title (else the start of the question) and
    number, grouped by department; the quiz's own stay offered even if retired."""
    def label(q: Question) -> str:
        text = (q.title or q.stem or "").strip().replace("\n", " ")
        return _("%(text)s (No. %(n)s)", text=text[:40] + ("…" if len(text) > 40 else ""),
                 n=q.id)

    found = list(db.session.scalars(queries.visible_questions(current_user).where(
        Question.status == "active").order_by(Question.id).limit(2000)))
    have = {q.id for q in found}
    if quiz is not None:
        found += [item.question for item in quiz.items if item.question_id not in have]
    return by_department(found, lambda q: str(q.id), label)


def initial_data(quiz: Quiz) -> dict:
    """The form's values for a stored quiz (times shown in local time)."""
    def local(value):
        return value.astimezone(local_zone()).replace(tzinfo=None) if value else None

    rules = [{"count": r.count, "department": str(r.department_id or ""),
              "competency": r.competency or "", "category": r.category or "",
              "tag": r.tag or "", "min_difficulty": str(r.min_difficulty),
              "max_difficulty": str(r.max_difficulty)} for r in quiz.rules]
    return {name: getattr(quiz, name) for name in authoring.SIMPLE} | {
        "opens_at": local(quiz.opens_at), "closes_at": local(quiz.closes_at),
        "street": str(quiz.street_id or ""), "rules": rules + [{}] * (3 - len(rules)),
        "question_ids": [str(item.question_id) for item in quiz.items]}


def _department_id(text: str | None) -> int | None:
    """The rule's department id; blank is any department. Text that is no id becomes 0,
    which no department has, so that authoring refuses it instead of drawing from all."""
    if not (text or "").strip():
        return None
    return queries.plain_id(text.strip()) or 0


def chosen_questions(form: QuizForm, quiz: Quiz | None) -> list[int]:
    """The ticked questions in the quiz's order (new ones after it, in the list's order);
    numbers typed as one list keep the order they were typed in."""
    ids = [int(n) for n in form.question_ids.data or []]
    before = [item.question_id for item in quiz.items] if quiz is not None else []
    if before and not form.question_ids.typed:
        ids.sort(key=lambda i: before.index(i) if i in before else len(before))
    return ids


def settings_from(form: QuizForm, quiz: Quiz | None = None) -> authoring.QuizSettings:
    rules = [authoring.RuleSpec(
        count=entry.form.count.data, department_id=_department_id(entry.form.department.data),
        competency=entry.form.competency.data or None,
        category=(entry.form.category.data or "").strip() or None,
        tag=(entry.form.tag.data or "").strip() or None,
        min_difficulty=int(entry.form.min_difficulty.data or 1),
        max_difficulty=int(entry.form.max_difficulty.data or 5))
        for entry in form.rules if entry.form.count.data]
    street = form.street.data or ""
    return authoring.QuizSettings(
        title=form.title.data or "", description=form.description.data or "",
        mode=form.mode.data, question_ids=chosen_questions(form, quiz),
        pick=form.pick.data, rules=rules, time_limit=form.time_limit.data,
        max_attempts=form.max_attempts.data, pass_percent=form.pass_percent.data,
        shuffle_questions=form.shuffle_questions.data,
        shuffle_options=form.shuffle_options.data, review=form.review.data,
        opens_at=aware(form.opens_at.data), closes_at=aware(form.closes_at.data),
        street_id=queries.plain_id(street), published=form.published.data)


def save(form: QuizForm, quiz: Quiz | None):
    """Validate, save and redirect; or show the form again with the reason."""
    if form.validate_on_submit():
        with refusal_on(form, above=True):  # the rules' fieldset shows no errors of its own
            saved = authoring.save_quiz(current_user, settings_from(form, quiz), quiz)
            audit.record_object("quiz_created" if quiz is None else "quiz_edited", saved,
                                "quiz", saved.title)
            flash(_("Quiz saved."), "ok")
            return redirect(url_for(".quiz", quiz_id=saved.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("quizzes/quiz_form.html", form=form, quiz=quiz), status


@bp.route("/quizzes/new", methods=["GET", "POST"])
@staff_required
def new_quiz():
    return save(quiz_form(), None)


def managed_quiz(quiz_id: int) -> Quiz:
    quiz = get_quiz(quiz_id)
    if not queries.can_manage_quiz(current_user, quiz):
        abort(403)
    return quiz


@bp.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_quiz(quiz_id: int):
    quiz = managed_quiz(quiz_id)
    if quiz.course_id is not None:
        abort(403)  # module quizzes come from their course.yml
    form = quiz_form(quiz)
    available = {rule.id: drawing.available(quiz, rule) for rule in quiz.rules}
    return save(form, quiz) if form.is_submitted() else render_template(
        "quizzes/quiz_form.html", form=form, quiz=quiz, available=available)


@bp.route("/quizzes/<int:quiz_id>/results")
@staff_required
def results(quiz_id: int):
    grade_overdue_first(quiz_id=quiz_id)
    quiz = get_quiz(quiz_id)
    if current_user.role != "organiser" and not queries.can_manage_quiz(current_user, quiz):
        abort(403)  # organisers follow every quiz in their scope, their people only
    people = users_query(current_user).with_only_columns(User.id).order_by(None)
    stmt = (sa.select(Attempt).options(sa.orm.joinedload(Attempt.user))
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id.in_(people))
            .order_by(Attempt.started_at.desc()))
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("quizzes/results.html", quiz=quiz, page=page)
