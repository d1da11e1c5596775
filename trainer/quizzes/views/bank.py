"""The question bank for staff: browse, filter, search, create, edit, preview, retire,
import (with a preview) and export."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.audit import events as audit
from trainer.auth.access import roles_required, staff_required
from trainer.auth.forms import ConfirmForm
from trainer.confirmation import confirmed, refused
from trainer.errors import Invalid, NotFound
from trainer.extensions import db
from trainer.org.models import Department
from trainer.quizzes import bank, import_job, imports, queries
from trainer.quizzes.forms import ImportForm, QuestionForm, competency_choices, type_choices
from trainer.quizzes.models import Question
from trainer.quizzes.views.blueprint import bp
from trainer.unit_of_work import refusal_on, refusal_redirects

authors_only = roles_required("trainer", "admin")
EXPORT_LIMIT = 5000


def filters() -> dict:
    return {name: request.args.get(name, "").strip()[:120] for name in queries.FILTERS}


def departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department).order_by(Department.id)))


@bp.route("/bank", endpoint="bank")
@staff_required
def bank_index():
    args = filters()
    page = db.paginate(queries.filtered_questions(current_user, args), per_page=20,
                       error_out=False)
    banks = db.session.scalars(queries.visible_banks(current_user)).all()
    return render_template("quizzes/bank.html", page=page, args=args, banks=banks,
                           departments=departments(), types=type_choices(),
                           competencies=competency_choices(""))


@bp.route("/bank/export")
@staff_required
def export():
    fmt = request.args.get("format", "xlsx")
    questions = db.session.scalars(queries.filtered_questions(current_user, filters())
                                   .limit(EXPORT_LIMIT)).all()
    data, mimetype, ext = bank.export_questions(questions, fmt)
    return Response(data, content_type=mimetype, headers={  # the charset is in it already
        "Content-Disposition": f"attachment; filename=questions.{ext}"})


def get_question(question_id: int) -> Question:
    question = db.session.scalar(queries.visible_questions(current_user)
                                 .where(Question.id == question_id))
    if question is None:
        raise NotFound(_("The page or item was not found."))
    return question


def editable_question(question_id: int) -> Question:
    question = get_question(question_id)
    if not queries.can_edit_question(current_user, question):
        abort(403)
    return question


def question_form(**initial) -> QuestionForm:
    form = QuestionForm(data=initial or None)
    form.department.choices = [("", _("No department"))] + [
        (d.code, d.name) for d in departments()]
    return form


def form_department(form: QuestionForm) -> int | None:
    """Trainers write for their own department; admins choose."""
    if current_user.role != "admin":
        return current_user.department_id
    code = form.department.data
    dept = db.session.scalar(sa.select(Department).where(Department.code == code))
    return dept.id if dept else None


# The form shows every refusal of a question's fields under its answer (points included).
ON_ANSWER = {"points": "answer"}


def form_values(form: QuestionForm) -> dict:
    return {**form.data, "options": form.option_texts(), "points": form.points.data}


@bp.route("/bank/new", methods=["GET", "POST"])
@authors_only
def new_question():
    form = question_form()
    if form.validate_on_submit():
        with refusal_on(form, ON_ANSWER):
            data = bank.question_from_fields(form_values(form))
            target = bank.ensure_bank(form.bank.data or _("Default bank"))
            question = bank.create_question(data, target, department_id=form_department(form),
                                            author=current_user)
            audit.record_object("question_created", question, "question",
                                bank.question_label(question))
            flash(_("Question saved."), "ok")
            return redirect(url_for(".question", question_id=question.id))
    status = 422 if form.errors else 200
    return render_template("quizzes/question_form.html", form=form, question=None), status


@bp.route("/bank/<int:question_id>")
@staff_required
def question(question_id: int):
    question = get_question(question_id)
    return render_template("quizzes/question.html", question=question,
                           data=bank.question_data(question), form=ConfirmForm(),
                           can_edit=queries.can_edit_question(current_user, question))


@bp.route("/bank/<int:question_id>/edit", methods=["GET", "POST"])
@authors_only
def edit_question(question_id: int):
    question = editable_question(question_id)
    old = bank.question_data(question)
    form = question_form(**bank.form_fields(old), bank=question.bank.name,
                         department=question.department.code if question.department else "")
    if form.validate_on_submit():
        with refusal_on(form, ON_ANSWER):
            bank.update_question(question, bank.question_from_fields(form_values(form), old))
            if current_user.role == "admin":
                question.department_id = form_department(form)
            audit.record_object("question_edited", question, "question",
                                bank.question_label(question))
            flash(_("Question saved. Attempts already started keep the version they had."),
                  "ok")
            return redirect(url_for(".question", question_id=question.id))
    status = 422 if form.errors else 200
    return render_template("quizzes/question_form.html", form=form,
                           question=question), status


@bp.post("/bank/<int:question_id>/status")
@authors_only
def question_status(question_id: int):
    question = editable_question(question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if question.status == "active" and not confirmed():
        refused(_("Tick the box to confirm retiring the question; nothing was changed."))
        return redirect(url_for(".question", question_id=question.id))
    bank.set_question_status(question, question.status != "active")
    audit.record_object("question_retired" if question.status == "retired"
                        else "question_activated", question, "question",
                        bank.question_label(question))
    flash(_("Question retired: new attempts no longer draw it.") if question.status == "retired"
          else _("Question active again."), "ok")
    return redirect(url_for(".question", question_id=question.id))


def import_form() -> ImportForm:
    form = ImportForm()
    form.department.choices = [("", _("No department"))] + [
        (d.code, d.name) for d in departments()]
    return form


@bp.route("/bank/import", methods=["GET", "POST"])
@authors_only
def import_upload():
    form = import_form()
    if not form.validate_on_submit():
        return render_template("quizzes/import.html", form=form), 422 if form.errors else 200
    upload = form.file.data
    draft = imports.create_draft(current_user, upload.filename, upload.read(),
                                 form.bank.data or upload.filename.rsplit(".", 1)[0],
                                 form_department(form))
    problems = imports.problems_of(draft)
    return render_template("quizzes/import.html", form=form, draft=draft, problems=problems,
                           skipped=imports.skipped_of(draft), listed=imports.all_problems(draft),
                           confirm=ConfirmForm()), 422 if problems else 200


@bp.post("/bank/import/<token>")
@authors_only
@refusal_redirects(".import_upload", only=Invalid)  # an expired draft stays a 404
def import_confirm(token: str):
    draft = imports.get_draft(current_user, token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if import_job.is_large(draft):  # stored in batches by the job queue: its progress page
        job = import_job.start(current_user, draft)
        return redirect(url_for("jobs.show", job_id=job.id))
    added, skipped = imports.confirm_draft(current_user, draft)
    flash(_("%(added)s questions imported (%(skipped)s were already in the bank).",
            added=added, skipped=skipped), "ok")
    return redirect(url_for(".bank"))
