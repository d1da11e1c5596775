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
  the form field it names (rolled back), so the view renders the form again; a page
  that shows a refusal its own way (a list of problems, the status of the error) reads it
  from ``with refusal_on(None) as refused:``.

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


def refusal_redirects(endpoint: str, *args: str) -> Callable:
    """On a domain error, flash its message and redirect to ``endpoint`` built from the
    view's own arguments named in ``args`` (pages only; the API answers JSON errors)."""

    def decorate(view):
        view.refusal_target = lambda kwargs: url_for(endpoint, **{a: kwargs[a] for a in args})
        return view

    return decorate


class Refusal:
    """What ``refusal_on`` caught: ``error`` is the domain error, None if the block ran."""

    error: DomainError | None = None


@contextmanager
def refusal_on(form, aliases: dict[str, str] | None = None) -> Iterator[Refusal]:
    """A domain error inside the block is rolled back and shown on the form field it names
    (``field`` of Invalid, e.g. ``rounds[1].weight`` -> ``rounds``, renamed by ``aliases``
    where the body's field has another name on the form), else above the form.

    With ``form=None`` nothing is shown: the page renders the error itself, from the
    Refusal yielded (``with refusal_on(None) as refused: ...``; then ``refused.error``),
    e.g. a list of problems or a status other than the form's 422."""
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as exc:
        db.session.rollback()
        refusal.error = exc
        if form is not None:
            attach(form, exc, aliases or {})


def attach(form, exc: DomainError, aliases: dict[str, str]) -> None:
    name = str(exc.extra.get("field", "")).split("[")[0].split(".")[0]
    target = getattr(form, aliases.get(name, name), None) if name else None
    if target is not None and hasattr(target, "errors") and name != "csrf_token":
        target.errors = [*target.errors, exc.message]
    else:
        flash(exc.message, "error")


def _wrap(view: Callable) -> Callable:
    @wraps(view)
    def unit_of_work(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
        except DomainError as exc:
            target = getattr(view, "refusal_target", None)
            if target is None or wants_json():
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
