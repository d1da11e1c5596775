"""The records blueprint and what its pages share: the year, the half, the unit in view."""

import math
from dataclasses import dataclass

from flask import Blueprint, abort, request
from flask_login import current_user

from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.org.scope import in_scope
from trainer.plans.halves import half_of, parse_year

bp = Blueprint("records", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def _labels() -> dict:
    from trainer.org.scope import competency_label
    from trainer.records.assessment import RATING_LABELS, RATING_NAMES

    return {"rating_name": lambda c: RATING_NAMES.get(c, c),
            "rating_label": lambda c: RATING_LABELS().get(c, c),
            "competency_label": competency_label}


def record_year() -> int:
    return parse_year(request.args.get("year")) or half_of(utcnow()).year


def record_half() -> int | None:
    raw = request.args.get("half", "")
    return int(raw) if raw in ("1", "2") else None


def years() -> range:
    return range(half_of(utcnow()).year, 2019, -1)


def unit_in_view(param: str = "unit") -> Unit | None:
    """The street, community or grid named by ``?unit=ID`` if the caller may see it; none
    named: None (the whole scope); one out of scope or unknown: 404."""
    raw = request.values.get(param, "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    from trainer.extensions import db

    unit = db.session.get(Unit, int(raw))
    if unit is None or unit.level not in ("street", "community", "grid") \
            or not in_scope(current_user, unit):
        abort(404)
    return unit


@dataclass
class ListPage:
    """One page of an in-memory list, shaped like Flask-SQLAlchemy's pagination."""

    items: list
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: list, per_page: int = 50) -> ListPage:
    raw = request.args.get("page", "1")
    pages = max(1, math.ceil(len(items) / per_page))
    page = min(max(int(raw) if raw.isdigit() else 1, 1), pages)
    return ListPage(items[(page - 1) * per_page:page * per_page], page, pages)
