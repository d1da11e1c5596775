"""GET /api/v1/me/record: my training record for a year."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp
from trainer.errors import Invalid
from trainer.models import utcnow
from trainer.plans.halves import half_of
from trainer.records.services import build_record


@bp.get("/me/record")
@api_auth()
def my_record():
    raw = request.args.get("year")
    if raw is not None and (not raw.isdigit() or not 2000 <= int(raw) <= 2100):
        raise Invalid(_("The year must be between 2000 and 2100."), field="year")
    year = int(raw) if raw else half_of(utcnow()).year
    return build_record(current_user, year)
