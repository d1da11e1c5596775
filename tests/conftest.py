"""Fixtures: app, client, runner, auth, and factories that return callables.

The suite runs on a temporary SQLite file, or on PostgreSQL when TEST_DATABASE_URL is set.
The schema is built once per session; every test starts from empty tables.

Database access from a test body, by kind of test (no app context is pushed globally):

- ``db_ctx``: the test's database work does not interleave with client requests (services,
  loaders, factories). The fixture pushes one app context for the whole test; the body uses
  ``db.session`` directly and the session is removed at the end. Never make a request in
  such a test: the test client reuses an app context already pushed for the same app, so
  every request would share the test's session and ``g`` (a user loaded by one request
  would still be there for the next, and the session would never be cleaned up).
- ``fresh``: the test makes requests and then checks (or sets up) the database. Each call
  runs in a context of its own, as a request does, and hands back plain values or objects
  whose columns are loaded (``fresh.get``, ``fresh.scalar``, ``fresh.scalars``,
  ``fresh.all``, ``fresh.update``); ``with fresh() as session:`` is for checks that follow
  relationships. Objects must not leave a context unless their columns are loaded: they are
  detached on the way out, and a lazy relationship read afterwards fails.
- Factories (``make_user``, ``make_unit``, the domain factories in ``tests/*/conftest.py``
  and ``factories.py``) work in the test's context when one is pushed (``app_ctx``), so in a
  ``db_ctx`` test what they make is already in ``db.session`` and ``db.session.get`` by the
  returned id is an identity-map look-up, not a reload; outside they push their own.
  They return ids (``users["worker"]``) because request tests put them in URLs; in a
  ``db_ctx`` test ``account("worker")`` gives the ``User`` itself.
"""

import contextlib
import os
import re
import tempfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import current_app, has_app_context
from hypothesis import HealthCheck, settings

from config import Config
from trainer import create_app
from trainer.extensions import db
from trainer.quizzes import fastsave

PASSWORD = "Secure-pass-2026"

# No timing in tests (bench/ measures speed): on a shared 2-core machine Hypothesis's
# deadline and "input generation is slow" health check fail at random under load.
settings.register_profile("untimed", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("untimed")
_tmp = tempfile.mkdtemp(prefix="gt-test-")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-1234"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", f"sqlite:///{os.path.join(_tmp, 'test.sqlite3')}"
    )
    SESSION_COOKIE_SECURE = False
    REDIS_URL = None
    # Cheaper hashing keeps the suite fast; tests/auth/test_passwords.py checks the real
    # parameters of Config.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    COURSES_DIR = os.path.join(_tmp, "no-courses")
    SCENARIOS_DIR = os.path.join(_tmp, "no-scenarios")
    GUIDE_DIR = os.path.join(_tmp, "no-guide")
    # The suite logs in as admin and organiser everywhere; tests/auth/test_second_factor.py
    # turns the requirement on where it is tested.
    REQUIRE_SECOND_FACTOR = ()
    # The erasure ledger and backups of the suite, never the repository's instance folder;
    # the ledger is emptied before every test (see ``app``).
    ERASURE_LEDGER = os.path.join(_tmp, "erasures.jsonl")
    BACKUP_DIR = os.path.join(_tmp, "backups")
    # Jobs run inside the commit that starts them (tests/jobs/test_consumer.py runs a real
    # `flask jobs work`); their files go to the test's temporary folder.
    JOBS_IMMEDIATE = True
    JOBS_FOLDER = os.path.join(_tmp, "jobs")


def unmigrated_app(url: str | None = None):
    """An app on an empty scratch SQLite file (or ``url``), for tests that run migrations."""
    folder = tempfile.mkdtemp(prefix="gt-migrate-")

    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{folder}/m.sqlite3"

    return create_app(Fresh)


@pytest.fixture(scope="session")
def _schema():
    app = create_app(TestConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def config():
    """Override config per test: ``@pytest.mark.parametrize`` or subclass in the test."""
    return TestConfig


# Building an app compiles a URL builder for each of ~280 routes (Werkzeug compiles Python
# code per rule): about half a second, which made up most of the suite's time. One app per
# config class is kept instead, and every test gets it back as it was built: the same
# settings, and none of the caches a previous test left in app.extensions.
_APPS: dict[type, tuple] = {}


def _fresh_app(config):
    if config not in _APPS:
        built = create_app(config)
        _APPS[config] = (built, dict(built.config), set(built.extensions))
    app, settings, extensions = _APPS[config]
    app.config.clear()
    app.config.update(settings)
    for key in set(app.extensions) - extensions:
        del app.extensions[key]
    return app


@pytest.fixture
def app(_schema, config):
    app = _fresh_app(config)
    with app.app_context():
        _empty_tables()
    # like a fresh process: ids repeat between tests, and the autosave's memory of
    # attempts (right to mistrust an id it knew, but a detour) would otherwise carry over
    fastsave.forget_all()
    if os.path.exists(app.config["ERASURE_LEDGER"]):  # a new site: no erasures yet
        os.unlink(app.config["ERASURE_LEDGER"])
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def app_ctx(app):
    """The test's own app context when one of ``app`` is pushed (``db_ctx``), else a new one:
    for factories, so that what they make lands in the test's session."""
    if has_app_context() and current_app._get_current_object() is app:
        return contextlib.nullcontext()
    return app.app_context()


@pytest.fixture
def db_ctx(app):
    """One app context for the whole test, for tests that make no requests (see above)."""
    with app.app_context():
        yield db.session
        db.session.remove()


class Fresh:
    """Database reads and writes from a request test, each in a context of its own."""

    def __init__(self, app):
        self.app = app

    @contextlib.contextmanager
    def __call__(self):
        with self.app.app_context():
            yield db.session

    def get(self, model, ident):
        """The row of ``model`` with id ``ident`` (columns loaded), or None."""
        with self():
            return db.session.get(model, ident)

    def scalar(self, stmt):
        with self():
            return db.session.scalar(stmt)

    def scalars(self, stmt) -> list:
        with self():
            return db.session.scalars(stmt).all()

    def all(self, stmt) -> list:
        """Every row of ``stmt`` (named tuples of plain values when it selects columns)."""
        with self():
            return db.session.execute(stmt).all()

    def update(self, model, ident, **values):
        """Set columns of one row and commit."""
        with self():
            row = db.session.get(model, ident)
            assert row is not None, (model, ident)
            for name, value in values.items():
                setattr(row, name, value)
            db.session.commit()


@pytest.fixture
def fresh(app):
    return Fresh(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def csrf(self, path: str = "/login") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def login(self, username: str = "worker", password: str = PASSWORD):
        token = self.csrf("/login")
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf("/logout")})

    def post(self, path: str, data: dict | None = None, page: str | None = None, **kw):
        """POST a form with a valid CSRF token taken from ``page`` (default: ``path``)."""
        data = {"csrf_token": self.csrf(page or path), **(data or {})}
        return self.client.post(path, data=data, **kw)

    def token(self, username: str = "worker", password: str = PASSWORD) -> str:
        resp = self.client.post("/api/v1/tokens", json={"username": username,
                                                        "password": password})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["token"]


@pytest.fixture
def auth(client):
    return AuthActions(client)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _token_endings() -> list:
    from trainer.auth.models import ApiToken, User
    from trainer.models import utcnow

    return [pytest.param(ApiToken, {"revoked_at": utcnow()}, id="revoked"),
            pytest.param(ApiToken, {"expires_at": utcnow() - timedelta(seconds=1)},
                         id="expired"),
            pytest.param(User, {"active": False}, id="deactivated"),
            pytest.param(User, {"session_version": User.session_version + 1},
                         id="sessions-ended")]  # e.g. the password changed


# Each way a bearer token stops being valid, as (model, values) to update every row with:
# for parametrizing the hot paths that check the token in their own SQL.
TOKEN_ENDINGS = _token_endings()


@pytest.fixture
def make_unit(app):
    from trainer.org import services

    def make(code, name=None, level="grid", parent=None):
        with app_ctx(app):
            parent_unit = services.unit_by_code(parent) if parent else None
            unit = services.create_unit(code, name or code, level, parent_unit)
            db.session.commit()
            return unit.id

    return make


@pytest.fixture
def org(app):
    """Two streets with one community and two grids each, plus the ten departments."""
    from trainer.org import services

    with app_ctx(app):
        services.ensure_departments()
        d = services.create_unit("D", "测试区", "district", None)
        ids = {"D": d.id}
        for s in ("S1", "S2"):
            street = services.create_unit(s, f"{s}街道", "street", d)
            comm = services.create_unit(f"{s}-C1", f"{s}社区", "community", street)
            ids[s], ids[f"{s}-C1"] = street.id, comm.id
            for g in ("G1", "G2"):
                grid = services.create_unit(f"{s}-C1-{g}", f"{s}{g}网格", "grid", comm)
                ids[f"{s}-C1-{g}"] = grid.id
        db.session.commit()
    return SimpleNamespace(ids=ids)


@pytest.fixture
def make_user(app, org):
    from trainer.auth import services
    from trainer.org.services import department_by_code, unit_by_code

    defaults = {"worker": "S1-C1-G1", "organiser": "D", "trainer": "D", "admin": None}

    def make(username=None, role="worker", unit="default", department=None, password=PASSWORD,
             name=None):
        with app_ctx(app):
            code = defaults[role] if unit == "default" else unit
            dept_code = department or ("public-security" if role == "trainer" else None)
            user = services.create_user(
                username or role, name or f"{role}用户", role, password,
                unit=unit_by_code(code) if code else None,
                department=department_by_code(dept_code) if dept_code else None,
            )
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def users(make_user):
    """One account per role, named after the role (the demo accounts' names)."""
    return {role: make_user(role=role) for role in ("worker", "trainer", "organiser", "admin")}


@pytest.fixture
def account(db_ctx, users):
    """In a ``db_ctx`` test: the ``User`` of one of ``users`` (by role), in the test's session."""
    from trainer.auth.models import User

    return lambda role: db.session.get(User, users[role])
