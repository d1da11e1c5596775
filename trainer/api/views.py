"""Accounts and discovery endpoints of the API."""

from functools import cache
from pathlib import Path

import yaml
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, api_caller, bp, field, json_body
from trainer.auth import bearer, second_factor, services
from trainer.errors import Invalid, error_response
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
    except (services.BadCredentials, services.Throttled, services.AccountDisabled) as exc:
        # Answered, not raised: the unit of work commits the failure the throttle counted
        # (a raised refusal would be rolled back).
        return _refused_login(exc, username)
    except second_factor.SecondFactorRequired:
        security_event("login_refused", username=username[:40], channel="api",
                       reason="second_factor_required")
        raise
    if user.password_change_required:
        # The right password (committed: the throttle forgot the account's failures), but
        # an initial one: changed first through POST /api/v1/me/password.
        security_event("login_refused", username=user.username, channel="api",
                       reason="password_change_required")
        return _password_change_required()
    raw, token = services.issue_token(user)
    security_event("login_success", username=user.username, channel="api", actor=user)
    return {"token": raw, "expires_at": token.expires_at.isoformat()}, 201


def _refused_login(exc, username: str):
    event = {429: "login_throttled", 403: "login_refused"}.get(exc.status, "login_failure")
    security_event(event, username=username[:40], channel="api")
    return error_response(exc.status, exc.message, exc.code, **exc.extra)


@bp.post("/me/password")
def change_my_password():
    """``{current, new}`` with a token, or ``{username, current, new}`` without one (how a
    user with an initial password, refused a token, changes it). Throttled like a login;
    ends the user's other sessions and tokens (the calling token lives on)."""
    data = json_body()
    current, new = field(data, "current"), field(data, "new")
    if len(current) > 128 or len(new) > 128:
        raise Invalid(_("Passwords have at most 128 characters."), field="new")
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        _check_new(user, current, new)
        if not services.verify_current_password(user, current, client_address()):
            security_event("password_change_failure", username=user.username, channel="api")
            return error_response(422, _("The current password is wrong."), "invalid",
                                  field="current")
        raw = request.headers["Authorization"][7:].strip()
        services.set_password(user, new)
        services.keep_token(raw, user)
    else:
        header = request.headers.get("Authorization", "")
        if header:  # a token was sent but is not valid: never fall back to a password
            return error_response(401)  # (403 when its owner must change their password)
        username = field(data, "username")
        otp = field(data, "otp", required=False)
        try:
            user = services.authenticate(username, current, client_address(), otp=otp)
        except (services.BadCredentials, services.Throttled, services.AccountDisabled) as exc:
            return _refused_login(exc, username)
        _check_new(user, current, new)
        services.set_password(user, new)
    security_event("password_change", username=user.username, channel="api")
    return {"status": "changed"}


def _check_new(user, current: str, new: str) -> None:
    try:
        services.check_new_password(user, current, new)
    except Invalid as exc:
        raise Invalid(exc.message, field="new") from None


def _password_change_required():
    return error_response(403, _("Your password was set by an administrator: choose a new "
                                 "one first (POST /api/v1/me/password)."),
                          "password_change_required")


@bp.delete("/tokens")
@api_auth()
def revoke_token():
    services.revoke_token(request.headers["Authorization"][7:].strip())
    security_event("token_revoked", channel="api")
    return "", 204


def unit_json(unit):
    return {"code": unit.code, "name": unit.name, "level": unit.level} if unit else None


def named_json(item):
    return {"code": item.code, "name": item.name} if item else None


@bp.get("/me")
@api_caller()
def me():
    """Who the token's holder is: one statement (trainer.auth.bearer), no account loaded."""
    user = bearer.caller()
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "unit": unit_json(user.unit),
        "street": named_json(user.street),
        "department": named_json(user.department),
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
