"""Rotating sign-in codes: an HMAC over the session id and a 30-second time step. Pure.

A code reads ``<step>-<signature>``. The code of the current step and of the one before
are accepted, so a code scanned just before it rotates still works; an older code with a
good signature is *stale*, anything else is *forged*.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from enum import Enum

STEP_SECONDS = 30


class Verdict(Enum):
    OK = "ok"
    STALE = "stale"
    FORGED = "forged"


def derive_key(secret: str | bytes) -> bytes:
    """A key for sign-in codes only, derived from the application's secret."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, b"trainer.plans.checkin-code", hashlib.sha256).digest()


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def step_start(step: int) -> datetime:
    return datetime.fromtimestamp(step * STEP_SECONDS, UTC)


def _signature(key: bytes, session_id: int, step: int) -> str:
    mac = hmac.new(key, f"{session_id}:{step}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode().rstrip("=")


def make_code(key: bytes, session_id: int, step: int) -> str:
    return f"{step}-{_signature(key, session_id, step)}"


def check_code(key: bytes, session_id: int, code: str, now: datetime) -> Verdict:
    """Judge ``code`` for ``session_id`` at ``now`` (current and previous step accepted)."""
    step_text, _, signature = (code or "").strip().partition("-")
    if not (step_text.isascii() and step_text.isdigit()) or len(step_text) > 12 \
            or not signature:
        return Verdict.FORGED
    step = int(step_text)
    if not hmac.compare_digest(signature, _signature(key, session_id, step)):
        return Verdict.FORGED
    current = step_at(now)
    if step > current:
        return Verdict.FORGED
    return Verdict.OK if step >= current - 1 else Verdict.STALE


# --- the six digits shown under the QR code, for typing when scanning fails --------------

DIGITS = 6


def make_digits(key: bytes, session_id: int, step: int) -> str:
    """The six-digit code of ``step``: from the same key and step as the QR code, so it
    rotates with it (a separate HMAC message, so neither code tells the other)."""
    mac = hmac.new(key, f"{session_id}:{step}:digits".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:8], 'big') % 10 ** DIGITS:0{DIGITS}d}"


def check_digits(key: bytes, session_id: int, digits: str, now: datetime) -> bool:
    """Whether ``digits`` is the current or the previous step's six-digit code."""
    digits = (digits or "").strip()
    if len(digits) != DIGITS or not (digits.isascii() and digits.isdigit()):
        return False
    current = step_at(now)
    return any(hmac.compare_digest(digits, make_digits(key, session_id, step))
               for step in (current, current - 1))
