"""GET /api/v1/me/record: my training record for a year; GET
/api/v1/records/workers/{username}: an organiser's view of a worker's record in scope."""

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp
from trainer.auth.models import User
from trainer.errors import Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.scope import in_scope
from trainer.plans.halves import half_of, parse_year
from trainer.records.services import build_record


def _year() -> int:
    raw = request.args.get("year")
    year = parse_year(raw) if raw is not None else half_of(utcnow()).year
    if year is None:
        raise Invalid(_("The year must be between 2000 and 2100."), field="year")
    return year


@bp.get("/me/record")
@api_auth()
def my_record():
    return build_record(current_user, _year())


@bp.get("/records/workers/<username>")
@api_auth("organiser", "admin")
def worker_record(username: str):
    year = _year()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or user.role != "worker" or not in_scope(current_user, user.unit):
        raise NotFound(_("No such grid worker in your scope."))
    return build_record(user, year)
