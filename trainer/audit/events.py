"""Writing the audit log: ``record`` (one INSERT in the caller's transaction), failures kept
across a rollback, and ``scrub_user`` for erasure.

Where an event is written:

- an event about a change (an account deactivated, a course published, a score changed) is
  added to the request's own session: it commits with the change and is rolled back with
  it, so the log never claims a change that did not happen, and costs one INSERT;
- an event about a refusal (a failed or throttled login, a 403, a CSRF failure) is
  ``durable``: the request is often rolled back (errors.py rolls back a refused view),
  so it is kept in ``g`` and written when the request ends, in a short transaction of its
  own. By then the unit of work has committed what the request meant to keep; what is
  still uncommitted would be rolled back by the session's removal anyway, so the session
  is rolled back first and the event written in a fresh ``BEGIN IMMEDIATE``: on SQLite a
  second connection would wait for the request's own write lock (a deadlock until the
  busy timeout), and this way it never holds two.

Outside a request (the CLI) every event goes to the session and the command commits it.
"""

import logging

import sqlalchemy as sa
from flask import g, has_request_context

from trainer.audit.models import AuditEvent
from trainer.extensions import db

log = logging.getLogger("trainer.audit")
_UNSET = object()
# keys of ``details`` that may name or describe a person: dropped by ``scrub_user``
PERSONAL_KEYS = frozenset({"username", "target", "name", "phone", "reason", "comment",
                           "entrant_name", "typed"})


def user_label(user) -> str:
    return f"{user.name}（{user.username}）" if user is not None else ""


def _current_actor():
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user._get_current_object() if current_user.is_authenticated else None


def _scope_of_unit(unit) -> tuple[int | None, int | None]:
    if unit is None:
        return None, None
    street = None if unit.level in ("city", "district") else unit.street_id
    return street, unit.district_id


def _request_fields() -> dict:
    if not has_request_context():
        return {"request_id": "", "ip": ""}
    from trainer.security import client_address, request_id

    return {"request_id": request_id(), "ip": client_address()[:64]}


def _clean(details: dict | None) -> dict:
    """JSON-safe, short values (the log is no place for a whole document)."""
    out = {}
    for key, value in (details or {}).items():
        if value is None or isinstance(value, bool | int | float):
            out[key] = value
        elif isinstance(value, list | tuple):
            out[key] = [v if isinstance(v, int | float) else str(v)[:200] for v in value][:50]
        elif isinstance(value, dict):
            out[key] = {str(k)[:40]: (v if isinstance(v, int | float | bool) or v is None
                                      else str(v)[:200]) for k, v in list(value.items())[:50]}
        else:
            out[key] = str(value)[:500]
    return out


def record(action: str, *, actor=_UNSET, subject=None, unit=None, object_type: str = "",
           object_id: int | None = None, object_label: str = "",
           street_id=_UNSET, district_id=_UNSET, details: dict | None = None,
           actor_name: str = "", durable: bool = False) -> None:
    """Record one event. ``actor`` defaults to the signed-in user; ``subject`` is the account
    an event is about (it becomes the object unless one is named); the scope (street,
    district) is taken from ``street_id``/``district_id`` when given, else from ``unit``,
    else from the subject's unit, else the actor's. ``actor_name`` names an actor who is not
    an account (a username typed at a failed login)."""
    if actor is _UNSET:
        actor = _current_actor()
    if subject is not None and not object_type:
        object_type, object_id, object_label = "user", subject.id, user_label(subject)
    scope_unit = unit
    if scope_unit is None:
        scope_unit = getattr(subject, "unit", None) or getattr(actor, "unit", None)
    street, district = _scope_of_unit(scope_unit)
    values = {
        "action": action[:40],
        "actor_id": actor.id if actor is not None else None,
        "actor_name": (actor.name if actor is not None else actor_name)[:80],
        "actor_username": (actor.username if actor is not None else actor_name)[:40],
        "object_type": object_type[:30], "object_id": object_id,
        "object_label": str(object_label)[:200],
        "subject_id": subject.id if subject is not None else None,
        "street_id": street if street_id is _UNSET else street_id,
        "district_id": district if district_id is _UNSET else district_id,
        "details": _clean(details), **_request_fields(),
    }
    if durable and has_request_context():
        g.setdefault("_audit_pending", []).append(values)
    else:
        db.session.add(AuditEvent(**values))


def _resolve_typed_actor(values: dict) -> None:
    """A refused login names an account only by what was typed: when such an account
    exists, the event is its (and in its organisers' scope)."""
    if values["actor_id"] is not None or not values["actor_username"]:
        return
    from trainer.auth.models import User

    user = db.session.scalar(sa.select(User).where(User.username == values["actor_username"]))
    if user is not None:
        values.update(actor_id=user.id, actor_name=user.name[:80], subject_id=user.id)
        street, district = _scope_of_unit(user.unit)
        if values["street_id"] is None and values["district_id"] is None:
            values.update(street_id=street, district_id=district)


def write_pending(_exc=None) -> None:
    """Write the durable events of this request in a transaction of their own (teardown)."""
    pending = g.pop("_audit_pending", None)
    if not pending:
        return
    from trainer.database import set_write_intent

    try:
        db.session.rollback()  # what is uncommitted now would be rolled back anyway
        set_write_intent(True)
        for values in pending:
            _resolve_typed_actor(values)
            db.session.add(AuditEvent(**values))
        db.session.commit()
    except Exception:  # never fail the response over its audit line; it is logged
        db.session.rollback()
        log.exception("audit events not stored: %s", [v["action"] for v in pending])


def scrub_user(user_id: int, pseudonym: str) -> int:
    """Erasure: every event by or about the account keeps its action, time and scope, but
    its names become ``pseudonym``, its address is dropped and its details lose what may
    name or describe a person. Flushes; the caller commits. Returns the events touched."""
    by_or_about = sa.or_(AuditEvent.actor_id == user_id, AuditEvent.subject_id == user_id,
                         sa.and_(AuditEvent.object_type == "user",
                                 AuditEvent.object_id == user_id))
    events = db.session.scalars(sa.select(AuditEvent).where(by_or_about)).all()
    for event in events:
        names = set()
        if event.actor_id == user_id:
            names |= {event.actor_name, event.actor_username}
            event.actor_name, event.actor_username, event.ip = pseudonym[:80], pseudonym[:40], ""
        if event.subject_id == user_id or (event.object_type == "user"
                                           and event.object_id == user_id):
            names.add(event.object_label)
            if event.object_type == "user":
                event.object_label = pseudonym[:200]
        names.discard("")
        kept = {}
        for key, value in (event.details or {}).items():
            if key in PERSONAL_KEYS:
                continue
            if isinstance(value, str):
                for name in names:
                    value = value.replace(name, pseudonym)
            kept[key] = value
        event.details = kept
    db.session.flush()
    return len(events)


def record_object(action: str, obj, object_type: str, label: str, *, actor=_UNSET,
                  details: dict | None = None) -> None:
    """``record`` for an object carrying its own scope (``street_id``, ``district_id``)."""
    record(action, actor=actor, object_type=object_type, object_id=obj.id,
           object_label=label, street_id=getattr(obj, "street_id", None),
           district_id=getattr(obj, "district_id", None), details=details)
