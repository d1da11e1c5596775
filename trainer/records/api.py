"""GET /api/v1/me/record: my training record for a year."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp
from trainer.errors import Invalid
from trainer.models import utcnow
from trainer.plans.halves import half_of, parse_year
from trainer.records.services import build_record


@bp.get("/me/record")
@api_auth()
def my_record():
    raw = request.args.get("year")
    year = parse_year(raw) if raw is not None else half_of(utcnow()).year
    if year is None:
        raise Invalid(_("The year must be between 2000 and 2100."), field="year")
    return build_record(current_user, year)
