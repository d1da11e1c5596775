"""The situations, one entry with its links and local contacts, and the entry editor."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.extensions import db
from trainer.guide import queries, services
from trainer.guide.entry_format import entry_problems, to_spec
from trainer.guide.forms import EntryForm
from trainer.guide.loader import known_references
from trainer.guide.models import GuideRevision
from trainer.guide.views.blueprint import bp
from trainer.guide.views.common import viewer_street
from trainer.org.models import Department
from trainer.unit_of_work import refusal_on


@bp.route("/guide")
@login_required
def index():
    q = request.args.get("q", "").strip()[:queries.MAX_QUERY]
    department = request.args.get("department", "").strip()[:40]
    entries = db.session.scalars(queries.entries_query(q, department)).all()
    groups: dict = {}
    for entry in entries:
        groups.setdefault(entry.department, []).append(entry)
    departments = db.session.scalars(sa.select(Department).order_by(Department.id)).all()
    return render_template("guide/index.html", groups=groups, q=q, department=department,
                           departments=departments, total=len(entries))


@bp.route("/guide/<key>")
@login_required
def entry(key: str):
    row = services.get_entry(key)
    street, streets = viewer_street(current_user, request.args.get("street"))
    contacts = services.contacts_of(street.id if street else None, row.contact_kinds)
    return render_template(
        "guide/entry.html", entry=row, street=street, streets=streets, contacts=contacts,
        lessons=queries.related_lessons(current_user, row),
        scenarios=queries.related_scenarios(current_user, row),
        can_edit=services.can_edit(current_user, row))


@bp.route("/guide/<key>/edit", methods=["GET", "POST"])
@login_required
def edit(key: str):
    row = services.get_entry(key)
    if not services.can_edit(current_user, row):
        abort(403)
    form = EntryForm()
    if request.method == "GET":
        form.fill(row)
    elif form.validate_on_submit():
        body = form.body()
        problems = entry_problems(body, known_references(None, None))
        for name, message in problems:
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        if not problems:
            with refusal_on(form):
                services.edit_entry(current_user, row, to_spec(
                    {**body, "key": row.key}, row.department.code, row.position))
                flash(_("Saved."), "ok")
                return redirect(url_for("guide.entry", key=row.key))
    history = db.session.scalars(sa.select(GuideRevision).where(
        GuideRevision.entry_id == row.id).order_by(GuideRevision.id.desc()).limit(20)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("guide/edit.html", entry=row, form=form, history=history), status
