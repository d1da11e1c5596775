"""Accounts and discovery endpoints of the API."""

from functools import cache
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask import jsonify, request
from flask_login import current_user

from trainer.api.core import api_auth, bp, field, json_body
from trainer.auth import second_factor, services
from trainer.errors import error_response
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.security import client_address, security_event


@bp.post("/tokens")
def create_token():
    data = json_body()
    username, password = field(data, "username"), field(data, "password")
    otp = field(data, "otp", required=False)
    try:
        # An account with a second factor needs ``otp`` (401 when wrong or missing, counted
        # by the throttle); one whose role must have one and has none gets 403
        # second_factor_required (raised: it enrols on the web).
        user = services.authenticate(username, password, client_address(), otp=otp)
    except (services.BadCredentials, services.Throttled) as exc:
        # Answered, not raised: the unit of work commits the failure the throttle counted
        # (a raised refusal would be rolled back).
        security_event("login_throttled" if exc.status == 429 else "login_failure",
                       username=username[:40], channel="api")
        return error_response(exc.status, exc.message, exc.code, **exc.extra)
    except second_factor.SecondFactorRequired:
        security_event("login_refused", username=username[:40], channel="api",
                       reason="second_factor_required")
        raise
    raw, token = services.issue_token(user)
    security_event("login_success", username=user.username, channel="api", actor=user)
    return {"token": raw, "expires_at": token.expires_at.isoformat()}, 201


@bp.delete("/tokens")
@api_auth()
def revoke_token():
    services.revoke_token(request.headers["Authorization"][7:].strip())
    security_event("token_revoked", channel="api")
    return "", 204


def unit_json(unit):
    return {"code": unit.code, "name": unit.name, "level": unit.level} if unit else None


_STREET = sa.select(Unit.code, Unit.name).where(Unit.id == sa.bindparam("id"))


def _street_of(unit):
    """The code and name of the unit's street (the account's unit and department come
    with the account in the token's statement): two columns, not a Unit loaded."""
    if unit is None or unit.street_id is None:
        return None
    if unit.street_id == unit.id:
        return unit
    return db.session.execute(_STREET, {"id": unit.street_id}).first()


@bp.get("/me")
@api_auth()
def me():
    user = current_user
    street = _street_of(user.unit)
    dept = user.department
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "unit": unit_json(user.unit),
        "street": {"code": street.code, "name": street.name} if street else None,
        "department": {"code": dept.code, "name": dept.name} if dept else None,
    }


@cache
def _openapi() -> dict:
    """The base document plus every domain's ``openapi.yaml`` fragment (paths, schemas)."""
    root = Path(__file__).resolve().parent.parent
    doc = yaml.safe_load((root / "api" / "openapi.yaml").read_text("utf-8"))
    for fragment in sorted(root.glob("*/openapi.yaml")):
        if fragment.parent.name == "api":
            continue
        part = yaml.safe_load(fragment.read_text("utf-8")) or {}
        doc["paths"].update(part.get("paths", {}))
        for kind, items in (part.get("components") or {}).items():
            doc["components"].setdefault(kind, {}).update(items)
    _common_errors(doc)
    return doc


# Answers any operation can give whatever its view does (trainer/errors.py,
# trainer/security.py): each fragment documents only the statuses of its own views.
_ERROR = {"$ref": "#/components/responses/Error"}
_BAD_REQUEST = {
    "description": "The request cannot be read: a body that is not a JSON object "
                   "(`bad_json`) or nests too deep, a nul or other forbidden character "
                   "(`bad_characters`), a number or text out of range (`out_of_range`)",
    **_ERROR,
}
_COMMON = {
    "400": (lambda op, secured: True, _BAD_REQUEST),
    "401": (lambda op, secured: secured,
            {"description": "No bearer token, or one that is not valid (any more)", **_ERROR}),
    "413": (lambda op, secured: "requestBody" in op,
            {"description": "The body is larger than the server accepts (`too_large`)",
             **_ERROR}),
}


def _common_errors(doc: dict) -> None:
    """Add the common error answers (400, 401 when authenticated, 413 with a body) to
    every operation that does not document them itself."""
    default_security = doc.get("security") or []
    for ops in doc["paths"].values():
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            # YAML reads an unquoted 404 as an int: JSON keys are strings anyway
            op["responses"] = responses = {str(k): v for k, v in
                                           op.get("responses", {}).items()}
            secured = bool(op.get("security", default_security))
            for status, (applies, response) in _COMMON.items():
                if status not in responses and applies(op, secured):
                    responses[status] = dict(response)


@bp.get("/openapi.json")
def openapi():
    return jsonify(_openapi())
