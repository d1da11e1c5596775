"""Erasing a person's personal data, and the ledger that makes it outlive a restore.

``erase`` replaces the account's name, username and phone by a pseudonym
(已删除用户·<code>), ends its sessions and tokens for good (an erased account never
signs in again, whatever its password), removes its second factor, and lets every
domain registered in ``auth.erasers.erasers`` scrub the free text typed by the person or
naming them. Scores, answers and records stay, tied to the pseudonymous account, so the
district's statistics do not move. It cannot be undone.

Each erasure is recorded twice: a row of ``erasures`` (who, when, why) and a line of the
ledger file (``ERASURE_LEDGER``, default ``instance/erasures.jsonl``), which lives outside
the database. ``flask backup restore`` calls ``reapply_ledger`` after replacing the
database, so restoring a backup older than an erasure never brings the data back. The
ledger holds no personal data: the account's id, its creation time (to recognise the
same account), the pseudonym's code, who erased (an id), when, and the reason with any
mention of the person already replaced. The line is written, flushed and synced before
the erasure's transaction commits: a crash between the two errs towards erasing.
"""

import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from trainer.auth import throttle
from trainer.auth.erasers import Erased, erasers
from trainer.auth.models import Erasure, RecoveryCode, SecondFactor, ThrottleEvent, User
from trainer.auth.services import end_sessions
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.models import utcnow

PSEUDONYM = "已删除用户·{code}"
ERASED_PASSWORD = "!erased"  # no hash: no password ever matches it


class ErasureRefused(Conflict):
    code = "erasure_refused"


def ledger_path() -> str:
    return current_app.config.get("ERASURE_LEDGER") or os.path.join(
        current_app.instance_path, "erasures.jsonl")


def refusal(user: User, by: User | None) -> str | None:
    """Why ``by`` may not erase ``user`` (a sentence for the admin), or None."""
    if user.erased_at is not None:
        return _("This person's data was already erased on %(day)s.",
                 day=f"{user.erased_at.year}年{user.erased_at.month}月{user.erased_at.day}日")
    if by is not None and by.id == user.id:
        return _("You cannot erase your own data: ask another administrator.")
    if user.role == "admin":
        others = db.session.scalar(sa.select(sa.func.count(User.id)).where(
            User.role == "admin", User.active.is_(True), User.erased_at.is_(None),
            User.id != user.id))
        if not others:
            return _("This is the last active administrator: name another one first.")
    return None


@dataclass
class Plan:
    """What an erasure is given: from an admin's request, or from the ledger."""

    reason: str
    by_id: int | None
    ledger_id: str | None = None
    code: str | None = None
    at: datetime | None = None


def erase(user: User, *, by: User | None, reason: str) -> Erasure:
    """Erase ``user`` at ``by``'s request (refused: ErasureRefused with the reason).
    Flushes and writes the ledger line; the caller commits."""
    problem = refusal(user, by)
    if problem:
        raise ErasureRefused(problem)
    row = _apply(user, Plan(reason=reason, by_id=by.id if by else None))
    _append_ledger(row, user)
    return row


def _unused_code() -> str:
    while True:
        code = secrets.token_hex(4)
        if db.session.scalar(sa.select(User.id).where(User.username == f"erased_{code}")) is None:
            return code


def _apply(user: User, plan: Plan) -> Erasure:
    code = plan.code or _unused_code()
    pseudonym = PSEUDONYM.format(code=code.upper())
    needles = tuple(sorted({n for n in (user.name, user.username, user.phone)
                            if n and len(n.strip()) >= 2}, key=len, reverse=True))
    erased = Erased(user_id=user.id, needles=needles, pseudonym=pseudonym)
    old_key = throttle.account_key(user.username)
    user.name, user.username, user.phone = pseudonym, f"erased_{code}", None
    user.password_hash = ERASED_PASSWORD
    now = plan.at or utcnow()
    # ``active`` stays as it was: an active worker's record still counts in the district's
    # statistics, under the pseudonym; signing in is refused by ``erased_at`` (and the
    # password, which no longer matches anything).
    user.erased_at = now
    end_sessions(user)
    db.session.execute(sa.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.key == old_key))
    for eraser in erasers:
        eraser.scrub(erased)
    row = Erasure(ledger_id=plan.ledger_id or str(uuid.uuid4()), user_id=user.id,
                  pseudonym=pseudonym, at=now, by_id=plan.by_id,
                  reason=erased.scrub_text(plan.reason or "") or "")
    db.session.add(row)
    db.session.flush()
    return row


def _append_ledger(row: Erasure, user: User) -> None:
    entry = {"v": 1, "id": row.ledger_id, "user_id": row.user_id,
             "user_created": user.created_at.isoformat(),
             "code": row.pseudonym.rsplit("·", 1)[-1].lower(), "at": row.at.isoformat(),
             "by_id": row.by_id, "reason": row.reason}
    path = ledger_path()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_ledger(path: str | None = None) -> list[dict]:
    """The ledger's entries, oldest first (a torn last line, from a crash, is skipped)."""
    path = path or ledger_path()
    if not os.path.exists(path):
        return []
    entries = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return entries


@dataclass
class Reapplied:
    erased: int = 0  # erased again (the restored data held them)
    already: int = 0  # already erased in the restored data
    absent: int = 0  # not in the restored data (created after it)
    mismatched: int = 0  # that id is another account there: left alone


def reapply_ledger(path: str | None = None) -> Reapplied:
    """Erase again, in the current database, everyone the ledger names who is not erased
    there (after a restore). Flushes; the caller commits."""
    done = Reapplied()
    for entry in read_ledger(path):
        user = db.session.get(User, entry["user_id"])
        if user is None:
            done.absent += 1
        elif user.created_at.isoformat() != entry["user_created"]:
            done.mismatched += 1
        elif user.erased_at is not None:
            done.already += 1
        else:
            by_id = entry.get("by_id")
            if by_id is not None and db.session.get(User, by_id) is None:
                by_id = None
            _apply(user, Plan(reason=entry.get("reason", ""), by_id=by_id,
                              ledger_id=entry["id"], code=entry["code"],
                              at=datetime.fromisoformat(entry["at"])))
            done.erased += 1
    return done


def personal_data(user: User) -> dict:
    """Everything the site holds about ``user`` (for /me/data): the account, then each
    domain's part."""
    data = {
        "account": {
            "username": user.username, "name": user.name, "phone": user.phone,
            "role": user.role, "unit": user.unit.name if user.unit else None,
            "department": user.department.name if user.department else None,
            "active": user.active,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
            "second_factor": db.session.get(SecondFactor, user.id) is not None,
        },
    }
    for key, eraser in erasers.items():
        if eraser.export is not None:
            data[key] = eraser.export(user.id)
    return data
