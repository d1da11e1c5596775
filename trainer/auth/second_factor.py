"""The second factor: TOTP codes (RFC 6238, pyotp) and one-time recovery codes.

- The shared secret is stored encrypted (encrypt-then-MAC with keys derived from
  SECRET_KEY: an HMAC-SHA256 keystream in counter mode and an HMAC-SHA256 tag, both from
  the standard library), and shown to the user only while enrolling.
- A code is accepted for the current 30-second step or one step either side (clock
  drift), and only for a step later than the last one accepted: a code seen once, or an
  older one, is refused (RFC 6238 section 5.2). The step is claimed by one conditional
  UPDATE, so two requests racing with one code cannot both pass.
- Recovery codes are random (about 49 bits each), stored as keyed hashes (HMAC-SHA256 of
  the user id and the code) and used up by one conditional UPDATE each.

Changing SECRET_KEY makes every stored secret and recovery code unreadable: the users
then need an admin to reset their second factor.

Services flush, never commit: the calling view or command commits.
"""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from trainer.auth.models import RecoveryCode, SecondFactor, User
from trainer.errors import DomainError, Invalid
from trainer.extensions import db
from trainer.models import utcnow

ISSUER = "Grid Trainer"
STEP = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed safely
_RECOVERY_LENGTH = 10


class SecondFactorRequired(DomainError):
    status, code = 403, "second_factor_required"


# ----- configuration


def required_roles() -> tuple[str, ...]:
    return tuple(current_app.config.get("REQUIRE_SECOND_FACTOR") or ())


def must_enrol(user: User) -> bool:
    """The user's role must have a second factor and the user has none yet."""
    return user.role in required_roles() and active_factor(user) is None


# ----- secret at rest


def _key(label: bytes) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"trainer second factor v1 " + label, hashlib.sha256).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"encrypt")))


def encrypt_secret(plain: str) -> str:
    """The TOTP secret encrypted at rest (Fernet: AES-128-CBC with an HMAC-SHA256 tag)."""
    return "v2:" + _fernet().encrypt(plain.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """The plain secret; ValueError when it was not made with this SECRET_KEY."""
    if not stored.startswith("v2:"):
        raise ValueError("unknown secret format")
    try:
        return _fernet().decrypt(stored[3:].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the secret does not verify") from exc


# ----- enrolment


def active_factor(user: User) -> SecondFactor | None:
    return db.session.scalar(sa.select(SecondFactor).where(
        SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None)))


def pending_secret(user: User) -> str:
    """The secret of the user's pending enrolment, made now if there is none (shown by the
    enrolment page until confirmed). Refused once a factor is active."""
    from flask_babel import gettext as _

    factor = db.session.get(SecondFactor, user.id)
    if factor is not None and factor.confirmed_at is not None:
        raise DomainError(_("Two-step verification is already on."), code="already_enrolled")
    if factor is None:
        try:
            with db.session.begin_nested():  # two first sights at once: one secret wins
                factor = SecondFactor(user_id=user.id,
                                      secret=encrypt_secret(pyotp.random_base32()))
                db.session.add(factor)
        except sa.exc.IntegrityError:
            factor = db.session.get(SecondFactor, user.id, populate_existing=True)
    return decrypt_secret(factor.secret)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def confirm_enrolment(user: User, code: str, now: float | None = None) -> list[str]:
    """Turn the pending factor on with a first valid code; its fresh recovery codes."""
    from flask_babel import gettext as _

    factor = db.session.get(SecondFactor, user.id)
    if factor is None or factor.confirmed_at is not None:
        raise Invalid(_("Start the set-up again."), field="code")
    if not _accept_totp(factor, _digits(code), now):
        raise Invalid(_("The code is wrong or has expired. Enter the code shown now."),
                      field="code")
    factor.confirmed_at = utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; the plain codes, shown once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(user, c))
                       for c in codes)
    db.session.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def are_unused_codes(user: User, codes: list[str]) -> bool:
    """Whether every one of ``codes`` is an unused recovery code of ``user`` (the download
    of the codes just shown echoes only codes the user really holds)."""
    hashes = {_code_hash(user, _recovery_form(c)) for c in codes}
    if not codes or len(hashes) != len(codes):
        return False
    found = db.session.scalar(sa.select(sa.func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash.in_(hashes)))
    return found == len(hashes)


def reset(user: User) -> None:
    """Remove the user's second factor and recovery codes (a lost phone) and end every
    session and token of the user. The caller audits it."""
    from trainer.auth.services import end_sessions

    db.session.execute(sa.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user)


# ----- verification


def verify(user: User, code: str, now: float | None = None) -> str | None:
    """Check a code of the user's active factor: "totp" or "recovery" for the kind of
    code accepted (and used up), None when refused."""
    factor = active_factor(user)
    if factor is None or not code:
        return None
    digits = _digits(code)
    if digits.isdigit() and len(digits) == 6:
        return "totp" if _accept_totp(factor, digits, now) else None
    plain = _recovery_form(code)
    if len(plain) != _RECOVERY_LENGTH:
        return None
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
               RecoveryCode.code_hash == _code_hash(user, plain))
        .values(used_at=utcnow()))
    return "recovery" if used.rowcount == 1 else None


def _accept_totp(factor: SecondFactor, digits: str, now: float | None) -> bool:
    totp = pyotp.TOTP(decrypt_secret(factor.secret))
    current = int((time.time() if now is None else now) // STEP)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            claimed = db.session.execute(
                sa.update(SecondFactor)
                .where(SecondFactor.user_id == factor.user_id,
                       sa.or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step))
                .values(last_step=step)
                .execution_options(synchronize_session=False))
            db.session.expire(factor)
            return claimed.rowcount == 1
    return False


def _digits(code: str) -> str:
    return "".join((code or "").split())


def _recovery_form(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _code_hash(user: User, plain: str) -> str:
    return hmac.new(_key(b"recovery"), f"{user.id}:{plain}".encode(), hashlib.sha256).hexdigest()
