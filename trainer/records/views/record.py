"""The worker's own training record page (我的培训档案) and an organiser's view of any worker
in scope (the same page, printable on A4 for the worker's file)."""

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth.access import roles_required
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.scope import competency_label, in_scope
from trainer.records.charts import bar_chart
from trainer.records.figures import COMPETENCIES
from trainer.records.services import build_record
from trainer.records.views.blueprint import bp, record_year, years


def _render(user, year: int):
    record = build_record(user, year)
    profile = record["summary"]["competencies"]
    chart = bar_chart([(competency_label(c), profile.get(c)) for c in COMPETENCIES],
                      _("Competency profile (%)"), maximum=100, unit="%")
    return render_template("records/my_record.html", record=record, year=year,
                           years=years(), subject=user, competency_chart=chart,
                           profile=[(c, profile.get(c)) for c in COMPETENCIES])


@bp.route("/me/record")
@login_required
def my_record():
    return _render(current_user, record_year())


def worker_in_scope(user_id: int) -> User:
    """A grid worker the organiser may see (404 for anyone else, as for a missing one)."""
    user = db.session.get(User, user_id)
    if user is None or user.role != "worker" or not in_scope(current_user, user.unit):
        abort(404)
    return user


@bp.route("/records/workers/<int:user_id>")
@roles_required("organiser", "admin")
def worker_record(user_id: int):
    user = worker_in_scope(user_id)
    return _render(user, record_year())
