"""Fixtures for backups and erasure: the suite's database stamped with the schema revision
(it is built by create_all), and a second, empty instance of the site to restore into."""

import os
import tempfile

import pytest
import sqlalchemy as sa

from tests.conftest import TestConfig
from tests.quizzes.conftest import make_question, make_quiz, quiz_id, sample_questions  # noqa: F401
from trainer import create_app
from trainer.extensions import db


@pytest.fixture
def stamped(app):
    """The suite's database carries the code's schema revision, as a migrated one does."""
    from trainer.privacy.backup import code_revision

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE IF NOT EXISTS alembic_version "
                                 "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            conn.execute(sa.text("DELETE FROM alembic_version"))
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"),
                         {"v": code_revision()})
    yield app
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def _scratch_url(url: str) -> str:
    """An empty database beside the suite's: a new SQLite file, or on PostgreSQL the
    suite's database name with ``_restore`` (dropped and created again)."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tempfile.mkdtemp(prefix='gt-restore-')}/restored.sqlite3"
    base = sa.engine.make_url(url)
    name = f"{base.database}_restore"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def second_site(app):
    """A function building another instance of the site on an empty database (same
    SECRET_KEY and erasure ledger: the same site, restored elsewhere)."""
    made = []

    def build():
        url = _scratch_url(app.config["SQLALCHEMY_DATABASE_URI"])
        config = type("Restored", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
        site = create_app(config)
        made.append(site)
        return site

    yield build
    for site in made:
        with site.app_context():
            db.session.remove()
            db.engine.dispose()


def pg_tools_skip_reason(app) -> str | None:
    """Why a PostgreSQL backup cannot run here (pg_dump missing or too old), or None."""
    from trainer.privacy.backup import pg_tools_problem

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return None
    with app.app_context():
        return pg_tools_problem()


@pytest.fixture
def backup_file(tmp_path):
    return os.path.join(tmp_path, "site.backup")
