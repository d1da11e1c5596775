"""Account use cases. They flush, never commit: the calling view or command commits."""

import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app

from trainer.auth import passwords, second_factor, throttle
from trainer.auth.models import ROLES, ApiToken, User
from trainer.errors import DomainError, Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department, Unit

GRID_LEVELS = ("grid", "small_grid", "micro_grid")
USERNAME = re.compile(r"[A-Za-z0-9_.]{2,40}")


class BadCredentials(DomainError):
    status, code = 401, "bad_credentials"


class Throttled(DomainError):
    status, code = 429, "throttled"


class AccountDisabled(DomainError):
    """The right password of a deactivated account: said only then, so a wrong password
    still tells nothing about the account."""

    status, code = 403, "account_disabled"


class PasswordChangeRequired(DomainError):
    """An account with an initial password asks for a token: it must change it first."""

    status, code = 403, "password_change_required"


def _hasher():
    ext = current_app.extensions
    if "trainer_hasher" not in ext:
        cfg = current_app.config
        ext["trainer_hasher"] = passwords.make_hasher(
            cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]
        )
    return ext["trainer_hasher"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def hash_initial_password(password: str) -> str:
    """The hash of a generated initial password (72 random bits, shown once): argon2id at
    INITIAL_PASSWORD_TIME_COST/MEMORY_COST (cheap: ~1 ms instead of ~40 ms, so 10,000 people
    import in seconds). A guess per hash cannot find 2^72 secrets whatever the cost; the
    first login rehashes it with the full parameters (needs_rehash)."""
    ext = current_app.extensions
    if "trainer_initial_hasher" not in ext:
        cfg = current_app.config
        ext["trainer_initial_hasher"] = passwords.make_hasher(
            cfg.get("INITIAL_PASSWORD_TIME_COST", 1),
            cfg.get("INITIAL_PASSWORD_MEMORY_COST", 1024), 1)
    return ext["trainer_initial_hasher"].hash(password)


def check_password_policy(password: str, username: str = "") -> None:
    """Raise Invalid with the (translatable) reason when the password is refused."""
    from flask_babel import gettext

    problem = passwords.policy_problem(password, username)
    if problem:
        raise Invalid(gettext(problem), field="password")


def authenticate(username: str, password: str, address: str, *, otp: str | None = None,
                 two_step: bool = False) -> User:
    """Check credentials under throttling; upgrade an outdated hash on success.

    An account with a second factor also needs a valid ``otp`` (a code or a recovery
    code), which counts as a failure like a wrong password when wrong or missing; with
    ``two_step`` (the web login) the code is asked next instead, by ``verify_second_step``,
    and the account's failures are kept until it passes. An account whose role must have a
    second factor and has none is refused here (SecondFactorRequired) unless ``two_step``:
    the web login sends it to enrolment, the API cannot enrol.
    """
    from flask_babel import gettext as _

    counter = throttle.get_counter(current_app)
    akey, ikey = throttle.account_key(username), throttle.address_key(address)
    a_slot, i_slot = _reserve(counter, akey, ikey)
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    stored = user.password_hash if user else _dummy_hash()
    ok = (passwords.verify(_hasher(), stored, password) and user is not None
          and user.erased_at is None)  # an erased account never signs in again
    if not ok:
        counter.prune()  # failures are rare: a good moment to forget expired events
        raise BadCredentials(_("Wrong username or password."))  # the slots stay: failures
    if not user.active:  # the right password: say why (the slots stay, as for a failure)
        raise AccountDisabled(_("This account is deactivated; please contact the "
                                "administrator."))
    if passwords.needs_rehash(_hasher(), user.password_hash):
        user.password_hash = hash_password(password)
    if second_factor.active_factor(user) is not None:
        if two_step:  # the code comes next: this try was no failure, but none is forgiven
            counter.release(akey, a_slot)
            counter.release(ikey, i_slot)
            return user
        if not otp:
            raise BadCredentials(_("Enter the code of your authenticator app."),
                                 code="otp_required")
        if second_factor.verify(user, otp) is None:
            counter.prune()
            raise BadCredentials(_("The verification code is wrong."), code="bad_otp")
    elif not two_step and user.role in second_factor.required_roles():
        counter.release(akey, a_slot)
        counter.release(ikey, i_slot)
        raise second_factor.SecondFactorRequired(_(
            "Your account must use two-step verification: log in on the website once to "
            "set it up."))
    _succeeded(counter, akey, ikey, i_slot, user)
    db.session.flush()
    return user


def verify_second_step(user: User, code: str, address: str, *, logging_in: bool = True) -> str:
    """The web login's second step: a code or recovery code of ``user`` (who passed the
    password), throttled and counted like a password. The kind of code accepted. Also
    for a signed-in user confirming a change with a code (``logging_in`` false)."""
    from flask_babel import gettext as _

    counter = throttle.get_counter(current_app)
    akey, ikey = throttle.account_key(user.username), throttle.address_key(address)
    _a_slot, i_slot = _reserve(counter, akey, ikey)
    kind = second_factor.verify(user, code)
    if kind is None:
        counter.prune()
        raise BadCredentials(_("The verification code is wrong."), code="bad_otp")
    _succeeded(counter, akey, ikey, i_slot, user if logging_in else None)
    db.session.flush()
    return kind


def _reserve(counter, akey: str, ikey: str) -> tuple[object, object]:
    """Reserve this attempt's slots; Throttled when either key is over its limit."""
    from flask_babel import gettext as _

    cfg = current_app.config
    a_count, a_slot = counter.reserve(akey)
    i_count, i_slot = counter.reserve(ikey)
    if a_count > cfg["THROTTLE_ACCOUNT_LIMIT"] or i_count > cfg["THROTTLE_ADDRESS_LIMIT"]:
        counter.release(akey, a_slot)  # a refused try is not a failure: the window still ends
        counter.release(ikey, i_slot)
        raise Throttled(_("Too many failed attempts. Please try again in 15 minutes."))
    return a_slot, i_slot


def _succeeded(counter, akey: str, ikey: str, i_slot: object, user: User | None) -> None:
    counter.release(ikey, i_slot)
    counter.clear(akey)
    if user is not None:
        user.last_login_at = utcnow()


def _dummy_hash() -> str:
    """A real hash to verify against for unknown users, so timing does not tell."""
    ext = current_app.extensions
    if "trainer_dummy_hash" not in ext:
        ext["trainer_dummy_hash"] = hash_password(secrets.token_urlsafe(16))
    return ext["trainer_dummy_hash"]


def end_sessions(user: User) -> None:
    """End every cookie session and API token of ``user``."""
    user.session_version += 1
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.flush()


def set_password(user: User, new_password: str, *, initial: bool = False) -> None:
    """Replace the password (policy-checked) and end the user's sessions. ``initial``:
    someone else chose it (an admin's reset), so the user must change it at next login."""
    if user.erased_at is not None:
        from flask_babel import gettext as _

        raise Invalid(_("This account's personal data was erased: it can never sign in "
                        "again."), field="password")
    check_password_policy(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.password_change_required = initial
    end_sessions(user)


def check_new_password(user: User, current: str, new_password: str) -> None:
    """Refuse (Invalid, field ``new_password``) a new password the policy refuses or that
    is the current one: a user with an initial password must choose another."""
    from flask_babel import gettext as _

    check_password_policy(new_password, user.username)
    if new_password == current:
        raise Invalid(_("The new password must differ from the current one."),
                      field="new_password")


def change_password(user: User, current: str, new_password: str) -> None:
    """The user's own change: the current password must match. Clears the need to change
    an initial password and ends every session and token of the user."""
    from flask_babel import gettext as _

    if not passwords.verify(_hasher(), user.password_hash, current):
        raise Invalid(_("The current password is wrong."), field="current_password")
    check_new_password(user, current, new_password)
    set_password(user, new_password)


def verify_current_password(user: User, current: str, address: str) -> bool:
    """The current password of a signed-in user (the API's change), throttled and counted
    like a login: False when wrong (the failure stays counted: answer it, do not raise);
    Throttled when over the limit."""
    counter = throttle.get_counter(current_app)
    akey, ikey = throttle.account_key(user.username), throttle.address_key(address)
    _a_slot, i_slot = _reserve(counter, akey, ikey)
    if not passwords.verify(_hasher(), user.password_hash, current):
        counter.prune()
        return False
    _succeeded(counter, akey, ikey, i_slot, None)
    return True


def keep_token(raw: str, user: User) -> None:
    """After end_sessions: the caller's own bearer token ``raw`` lives on (the change
    ends the user's *other* sessions and tokens)."""
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.token_hash == _token_digest(raw),
                                  ApiToken.user_id == user.id)
        .values(revoked_at=None, session_version=user.session_version))


def held_by_password_change(raw: str) -> bool:
    """Whether bearer token ``raw`` would be valid but for its owner's initial password
    (to answer 403 password_change_required instead of 401; asked only on a refusal)."""
    digest = _digest_of(raw)
    if digest is None:
        return False
    stmt = (sa.select(ApiToken.id).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None),
                   ApiToken.expires_at > utcnow(), User.active.is_(True),
                   User.session_version == ApiToken.session_version,
                   User.password_change_required.is_(True)))
    return db.session.scalar(stmt) is not None


def validate_scope(role: str, unit: Unit | None, department: Department | None) -> None:
    """Raise Invalid when the unit/department do not fit the role (DESIGN.md scopes)."""
    from flask_babel import gettext as _

    if role not in ROLES:
        raise Invalid(_("Unknown role."), field="role")
    if role == "worker" and (unit is None or unit.level not in GRID_LEVELS):
        raise Invalid(_("A grid worker must belong to a grid."), field="unit")
    if role == "organiser" and (unit is None
                                or unit.level not in ("city", "district", "street")):
        raise Invalid(_("An organiser belongs to a street, a district or a city."),
                      field="unit")
    if role == "trainer":
        if department is None:
            raise Invalid(_("A trainer must belong to a department."), field="department")
        if unit is None or unit.level not in ("district", "street"):
            raise Invalid(_("A trainer belongs to a district, or to a street to be limited "
                            "to it."), field="unit")
    if unit is not None and not unit.active:
        raise Invalid(_("This unit is deactivated."), field="unit")


def username_taken(username: str) -> bool:
    """Whether an account has this name, ignoring case (``Worker`` would pass for ``worker``,
    and the login throttle already counts both under one key)."""
    return db.session.scalar(sa.select(User.id).where(
        sa.func.lower(User.username) == username.strip().lower())) is not None


def create_user(username: str, name: str, role: str, password: str, *, unit: Unit | None = None,
                department: Department | None = None, phone: str | None = None,
                initial: bool = False) -> User:
    """Create an account after checking name, scope and password policy. ``initial``: the
    password was chosen for the user (an admin's form), who must change it first."""
    from flask_babel import gettext as _

    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise Invalid(_("Usernames use letters, digits, dots and underscores (at most 40)."),
                      field="username")
    if username_taken(username):
        raise Invalid(_("This username is taken."), field="username")
    if len(name.strip()) > 60 or (phone and len(phone) > 20):
        raise Invalid(_("The name or phone number is too long."), field="name")
    validate_scope(role, unit, department)
    check_password_policy(password, username)
    user = User(username=username, name=name.strip() or username, role=role, unit=unit,
                department=department, phone=phone, password_hash=hash_password(password),
                password_change_required=initial)
    db.session.add(user)
    db.session.flush()
    return user


def change_role_scope(user: User, role: str, unit: Unit | None,
                      department: Department | None) -> None:
    """Change role and scope; existing sessions end, since what they may see changed."""
    validate_scope(role, unit, department)
    user.role, user.unit, user.department = role, unit, department
    end_sessions(user)


def set_active(user: User, active: bool) -> None:
    if user.active and not active:
        user.deactivated_at = utcnow()  # the district's retention runs from here
    user.active = active
    if active:
        user.deactivated_at = None
    else:
        end_sessions(user)
    db.session.flush()


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token; only its SHA-256 digest is stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=_token_digest(raw),
        session_version=user.session_version,
        expires_at=utcnow() + current_app.config["API_TOKEN_LIFETIME"],
    )
    db.session.add(token)
    db.session.flush()
    return raw, token


def revoke_token(raw: str) -> bool:
    """Revoke one bearer token (the caller's own, e.g. when a phone logs out)."""
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == _token_digest(raw), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
    return result.rowcount == 1


def bearer_digest(header: str) -> str | None:
    """The digest of the token in an ``Authorization: Bearer ...`` header, or None."""
    if not header.startswith("Bearer "):
        return None
    return _digest_of(header[7:].strip())


def _digest_of(raw: str) -> str | None:
    return _token_digest(raw) if raw and len(raw) <= 100 else None


# The one rule for a valid bearer token, in SQL: its digest is bound as ``digest``, the
# time as ``now``; not revoked, not expired, of its active user's current session
# version. Statements are built once: a statement object memoises its cache key, so the
# hot path neither rebuilds the expression nor re-derives the key on every API request.
# Table columns, not mapped attributes: a Core statement built on the rule (the bearer
# caller of trainer/auth/bearer.py) then runs without the ORM's execution machinery.
_TOKENS, _USERS = ApiToken.__table__, User.__table__
_VALID_TOKEN = (
    _TOKENS.c.token_hash == sa.bindparam("digest"),
    _TOKENS.c.revoked_at.is_(None),
    _TOKENS.c.expires_at > sa.bindparam("now", type_=_TOKENS.c.expires_at.type),
    _USERS.c.active.is_(True),
    _USERS.c.session_version == _TOKENS.c.session_version,
    _USERS.c.password_change_required.is_(False),
)


def valid_token_clauses() -> tuple:
    """The rule of a valid bearer token as WHERE clauses over the ``api_tokens`` and
    ``users`` tables (parameters ``digest`` and ``now``), for a statement joining them."""
    return _VALID_TOKEN


def token_owner_select(*columns) -> sa.Select:
    """SQL: SELECT ``columns`` FROM the valid bearer token bound as ``digest`` (at ``now``)
    JOIN its user; user_for_token's statement, for a hot path that reads the little it
    needs of the caller, and more joined to it, in a statement of its own."""
    return (sa.select(*columns)
            .select_from(ApiToken.__table__.join(User.__table__, User.id == ApiToken.user_id))
            .where(*_VALID_TOKEN))


_TOKEN_OWNER = token_owner_select(User)


def token_holds(user_id_column: sa.ColumnElement) -> sa.Exists:
    """SQL: the bearer token bound as ``digest`` is valid at ``now`` and belongs to the
    user in ``user_id_column``; user_for_token's rule, for a hot path that checks the
    caller inside its own statement instead of loading the account."""
    return (sa.select(ApiToken.id).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.user_id == user_id_column, *_VALID_TOKEN).exists())


def user_for_token(raw: str) -> User | None:
    """The active user owning a valid, unexpired, unrevoked token of the current version;
    one statement, which every API request pays for."""
    digest = _digest_of(raw)
    if digest is None:
        return None
    return db.session.scalars(_TOKEN_OWNER, {"digest": digest, "now": utcnow()}).first()
