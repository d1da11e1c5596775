"""The /api/v1 blueprint and its helpers: bearer auth, JSON bodies, pagination."""

import math
from functools import wraps

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import bearer
from trainer.errors import DomainError, Invalid
from trainer.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie ever authenticates an API call


def api_auth(*roles: str):
    """Require a valid bearer token (401) and, when given, one of ``roles`` (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def api_caller(*roles: str):
    """``api_auth`` for a hot read that needs only who the caller is: the token is checked
    and the caller read in one Core statement (trainer.auth.bearer), not loaded as a
    ``User``; the view reads it with ``bearer.caller()``. Same answers: 401 without a
    valid token (403 password_change_required for an initial password), 403 for a role
    not in ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            found = bearer.caller()
            if found is None:
                abort(401)
            if roles and found.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body() -> dict:
    """The request's JSON object, or a 400 JSON error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_("The request body must be a JSON object."), code="bad_json")
    return data


def field(data: dict, name: str, kind: type | tuple = str, required: bool = True):
    """A typed field of a JSON body; 422 naming the field when missing or wrong."""
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(_("Field “%(name)s” is required.", name=name), field=name)
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # JSON true/false are Python bools, which are ints too: a number field never takes one.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise Invalid(_("Field “%(name)s” has the wrong type.", name=name), field=name)
    if isinstance(value, float) and not math.isfinite(value):  # NaN/Infinity are not JSON
        raise Invalid(_("Field “%(name)s” has the wrong type.", name=name), field=name)
    return value


def paginated(stmt, serialize):
    """All items in scope as a JSON array, or one page of them with a Link header."""
    page = request.args.get("page", type=int)
    if page is None:
        return [serialize(item) for item in db.session.scalars(stmt).unique()], 200, {}
    per_page = max(1, min(request.args.get("per_page", 20, type=int), 100))
    result = db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False)
    headers = {}
    if result.has_next:
        args = {**request.args.to_dict(), "page": result.next_num, "per_page": per_page}
        # relative (RFC 8288 resolves it against the request's URL): an absolute URL would
        # be built from the Host header, which the caller controls
        nxt = url_for(request.endpoint, **(request.view_args or {}), **args)
        headers["Link"] = f'<{nxt}>; rel="next"'
    return [serialize(item) for item in result.items], 200, headers
