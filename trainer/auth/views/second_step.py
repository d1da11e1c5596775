"""The state between a web login's password and its second step, kept in the session.

After the right password, an account with a second factor is not logged in: the session
only remembers who is half-way ("id:session_version", so a password change or reset in
between ends it), since when (five minutes to enter the code) and where to go next.
"""

import time

from flask import session

from trainer.auth.models import User
from trainer.extensions import db

LIFETIME = 300  # seconds to enter the code


def begin(user: User, next_path: str | None) -> None:
    session.clear()  # nothing from before the login survives
    session["mfa_user"] = user.get_id()
    session["mfa_at"] = time.time()
    session["mfa_next"] = next_path or ""


def pending_user() -> User | None:
    """The account waiting for its second step in this session, or None."""
    ident, started = session.get("mfa_user"), session.get("mfa_at")
    if not ident or started is None or time.time() - started > LIFETIME:
        return None
    try:
        uid, version = (int(part) for part in str(ident).split(":"))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def next_path() -> str:
    return session.get("mfa_next") or ""
