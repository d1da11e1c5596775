"""Domain exceptions and the error handlers (Chinese HTML pages; JSON under /api/)."""

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from trainer.extensions import db
from trainer.security import _log_value, client_address, request_id, security_event

log = logging.getLogger("trainer.errors")


class DomainError(Exception):
    """A business rule refused the request; ``message`` is shown to the user."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 **extra):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.extra = extra


class NotFound(DomainError):
    status, code = 404, "not_found"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Invalid(DomainError):
    status, code = 422, "invalid"


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request could not be understood.")),
        401: ("unauthorized", _("Please log in first.")),
        403: ("forbidden", _("You do not have permission to do this.")),
        404: ("not_found", _("The page or item was not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        409: ("conflict", _("The request conflicts with the current state.")),
        413: ("too_large", _("The upload is too large.")),
        422: ("invalid", _("The data is not valid.")),
        429: ("too_many_requests", _("Too many attempts. Please try again later.")),
        500: ("server_error", _("Something went wrong on our side. Please try again.")),
    }


def error_response(status: int, message: str | None = None, code: str | None = None, **extra):
    default_code, default_message = _messages().get(status, ("error", _("Error")))
    message = message or default_message
    if wants_json():
        body = {"error": {"code": code or default_code, "message": message, **extra}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def _http_error(exc: HTTPException):
    if exc.code and exc.code >= 500:
        db.session.rollback()
        _log_server_error(exc)
    if exc.code == 403:
        security_event("authorization_failure", path=request.path)
    body, status = error_response(exc.code or 500)
    # the headers the exception carries (Allow on a 405, as RFC 9110 requires; Retry-After,
    # WWW-Authenticate), but not its Content-Type: the body here is our own page or JSON
    headers = [(name, value) for name, value in exc.get_headers()
               if name.lower() != "content-type"]
    return body, status, headers


def _csrf_error(exc: CSRFError):
    security_event("csrf_failure", path=request.path)
    return error_response(400, _("The form has expired or is invalid. Please reload the page "
                                 "and try again."), code="csrf")


def _domain_error(exc: DomainError):
    db.session.rollback()
    if exc.status == 403:
        security_event("authorization_failure", path=request.path)
    return error_response(exc.status, exc.message, exc.code, **exc.extra)


def _out_of_range(exc: Exception):
    # A number or text beyond what a column or Python can hold (a 30-digit page number, a
    # value too long for PostgreSQL): the input is bad, so 400 and nothing stored.
    db.session.rollback()
    return error_response(400, _("A number or text in the request is out of range."),
                          code="out_of_range")


def _log_server_error(exc: BaseException) -> None:
    """Log an unexpected error with its traceback and the request id (sent back to the
    caller in X-Request-Id, so a report can be matched to its line). Method, path,
    address and user only: never the query string, the body, cookies or headers, where
    passwords and tokens travel. The user is named only if already loaded, so that
    logging never queries a database that may be what failed."""
    user = getattr(g, "_login_user", None)
    log.error(
        "unhandled_exception request_id=%s method=%s path=%s user=%s address=%s error=%s",
        request_id(), _log_value(request.method), _log_value(request.path),
        _log_value(getattr(user, "username", None) or "-"), _log_value(client_address()),
        type(exc).__name__, exc_info=exc)


def _server_error(exc: Exception):
    db.session.rollback()
    _log_server_error(exc)
    return error_response(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(DataError, _out_of_range)
    if not app.testing:
        app.register_error_handler(Exception, _server_error)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("error %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
