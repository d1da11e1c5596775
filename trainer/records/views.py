"""The worker's own training record page (我的培训档案)."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from trainer.models import utcnow
from trainer.plans.halves import half_of, parse_year
from trainer.records.services import build_record

bp = Blueprint("records", __name__)


def record_year() -> int:
    return parse_year(request.args.get("year")) or half_of(utcnow()).year


@bp.route("/me/record")
@login_required
def my_record():
    year = record_year()
    record = build_record(current_user, year)
    return render_template("records/my_record.html", record=record, year=year,
                           years=range(half_of(utcnow()).year, 2019, -1))
