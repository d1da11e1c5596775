"""The records blueprint and what its pages share: the year, the half, the unit in view."""

import math
from dataclasses import dataclass

from flask import Blueprint, abort, request

from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.paging import Pager
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


def unit_id_in_view(param: str = "unit") -> int | None:
    """The unit id named by ``?unit=ID`` (checked against the rollup's units afterwards:
    ``check_unit``), None when none is named; not digits: 404."""
    raw = request.values.get(param, "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def check_unit(unit_id: int | None, units: dict) -> Unit | None:
    """The unit in view among those of the caller's scope (404 when out of it)."""
    if unit_id is None:
        return None
    unit = units.get(unit_id)
    if unit is None or unit.level not in ("street", "community", "grid"):
        abort(404)
    return unit


@dataclass
class ListPage(Pager):
    """One page of an in-memory list, shaped like Flask-SQLAlchemy's pagination."""

    items: list
    page: int
    pages: int


def page_of(items: list, per_page: int = 50) -> ListPage:
    raw = request.args.get("page", "1")
    pages = max(1, math.ceil(len(items) / per_page))
    page = min(max(int(raw) if raw.isdigit() else 1, 1), pages)
    return ListPage(items[(page - 1) * per_page:page * per_page], page, pages)
