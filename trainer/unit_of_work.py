"""One commit per request, in one place (Indico's ``RH.process``).

Every view runs inside a unit of work that the factory wraps around it:

- the view returns: a request that may write (not GET, HEAD or OPTIONS) commits, once, if
  its session began a transaction at all; a request that only reads never commits, and a
  request that never touched the database (the one-statement autosave and leaderboard
  paths, which run in autocommit) costs nothing;
- a domain error escapes the view: the transaction is rolled back and the error rendered
  (errors.py: a Chinese page, or a JSON body under /api/), or, on a page that declared
  ``@refusal_redirects(...)``, its message is flashed and the browser sent back there;
- inside a form view, ``with refusal_on(form):`` turns a domain error into a message on
  the form field it names (rolled back), so the view renders the form again;
  ``with refusal_kept() as refusal:`` only rolls it back and keeps it (``refusal.error``,
  ``refusal.status``) for a view that shows it in a page of its own.
- a page endpoint that speaks JSON (the quiz page's autosave) declares ``@answers_json``:
  its refusals are answered ``{"error": {"code", "message"}}`` with their status.

Views call services and return; they never commit. A GET that must write (grading an
attempt past its deadline, remembering the lesson last read) does so in
``database.write_transaction()``, the one way for a read to write.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from flask import Flask, flash, redirect, request, url_for

from trainer.errors import DomainError, wants_json
from trainer.extensions import db

SAFE = ("GET", "HEAD", "OPTIONS")


def refusal_redirects(endpoint: str, *args: str,
                      only: type[DomainError] | tuple[type[DomainError], ...] = DomainError
                      ) -> Callable:
    """On a domain error, flash its message and redirect to ``endpoint`` built from the
    view's own arguments named in ``args`` (pages only; the API answers JSON errors).
    ``only`` narrows the errors redirected (e.g. Invalid), so that a lookup's NotFound
    stays a 404 page rather than a message on a page that is not there either."""

    def decorate(view):
        view.refusal_target = lambda kwargs: url_for(endpoint, **{a: kwargs[a] for a in args})
        view.refusal_only = only
        return view

    return decorate


def answers_json(view: Callable) -> Callable:
    """A page endpoint answering JSON (outside /api/): a domain error escaping it is rolled
    back and answered ``{"error": {"code", "message"}}`` with its status, not a page."""
    view.answers_json = True
    return view


class Refusal:
    """The domain error a ``refusal_kept``/``refusal_on`` block refused, if any."""

    error: DomainError | None = None

    @property
    def status(self) -> int | None:
        return self.error.status if self.error is not None else None


@contextmanager
def refusal_kept() -> Iterator[Refusal]:
    """A domain error inside the block is rolled back and kept on the yielded Refusal; the
    view goes on after the block and answers it (the request still commits whatever it
    writes after the rollback, e.g. a record of the failure)."""
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as exc:
        db.session.rollback()
        refusal.error = exc


@contextmanager
def refusal_on(form, aliases: dict[str, str] | None = None, *, on_form: bool = False,
               above: bool = False) -> Iterator[Refusal]:
    """A domain error inside the block is rolled back and shown on the form field it names
    (``field`` of Invalid, e.g. ``rounds[1].weight`` -> ``rounds``, renamed by ``aliases``
    where the body's field has another name on the form), else above the form: flashed,
    or in ``form.form_errors`` with ``on_form`` (for templates that show them); with
    ``above``, always in ``form.form_errors``. With no form (None) the message is flashed.
    The yielded Refusal has the error's status."""
    with refusal_kept() as refusal:
        yield refusal
    if refusal.error is None:
        return
    if above:
        form.form_errors.append(refusal.error.message)
    else:
        attach(form, refusal.error, aliases or {}, on_form)


def attach(form, exc: DomainError, aliases: dict[str, str], on_form: bool = False) -> None:
    name = str(exc.extra.get("field", "")).split("[")[0].split(".")[0]
    target = getattr(form, aliases.get(name, name), None) if name else None
    if target is not None and hasattr(target, "errors") and name != "csrf_token":
        target.errors = [*target.errors, exc.message]
    elif on_form:
        form.form_errors.append(exc.message)
    else:
        flash(exc.message, "error")


def _wrap(view: Callable) -> Callable:
    @wraps(view)
    def unit_of_work(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
        except DomainError as exc:
            if getattr(view, "answers_json", False) and not wants_json():
                db.session.rollback()
                return {"error": {"code": exc.code, "message": exc.message}}, exc.status
            target = getattr(view, "refusal_target", None)
            only = getattr(view, "refusal_only", DomainError)
            if target is None or wants_json() or not isinstance(exc, only):
                raise  # errors.py rolls back and renders it
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(target(kwargs))
        if request.method not in SAFE and db.session().in_transaction():
            db.session.commit()
        return response

    return unit_of_work


def init_app(app: Flask) -> None:
    """Wrap every view registered so far (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "__wrapped_by_unit_of_work__", False):
            wrapped = _wrap(view)
            wrapped.__wrapped_by_unit_of_work__ = True
            app.view_functions[endpoint] = wrapped
