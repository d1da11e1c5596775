"""Password hashing (argon2id) and password policy. Pure: no Flask, no database."""

from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

MIN_LENGTH = 8


def _n(message: str) -> str:
    """Marks a message for extraction; the caller translates it (this module is pure)."""
    return message

MAX_LENGTH = 128


def make_hasher(time_cost: int = 2, memory_cost: int = 19 * 1024, parallelism: int = 1):
    """An argon2id hasher with at least ASVS Appendix C's parameters."""
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )


def verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """True when ``password`` matches ``stored`` (argon2, or a legacy Werkzeug hash)."""
    if stored.startswith("$argon2"):
        try:
            return hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    if stored.startswith(("scrypt:", "pbkdf2:")):
        return check_password_hash(stored, password)
    return False


def needs_rehash(hasher: PasswordHasher, stored: str) -> bool:
    """True for legacy formats and argon2 hashes weaker than the current parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _common_passwords() -> frozenset[str]:
    text = resources.files("trainer.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


COMMON = _common_passwords()


def policy_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is refused (an English msgid for gettext), or None when acceptable."""
    if len(password) < MIN_LENGTH:
        return _n("Password must be at least 8 characters.")
    if len(password) > MAX_LENGTH:
        return _n("Password must be at most 128 characters.")
    lowered = password.lower()
    # "Password123!" is "password123" with a symbol added: common all the same.
    if lowered in COMMON or lowered.rstrip("!@#$%^&*.?~_-") in COMMON or len(set(password)) <= 2:
        return _n("This password is too common; choose another.")
    if username and username.lower() in lowered:
        return _n("Password must not contain the username.")
    return None
