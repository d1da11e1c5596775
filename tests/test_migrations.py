"""`flask db upgrade` builds exactly the schema the models describe."""

import os
import tempfile

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import TestConfig
from trainer import create_app
from trainer.extensions import db


def test_upgrade_from_empty_matches_models():
    folder = tempfile.mkdtemp(prefix="gt-migrate-")

    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_MIGRATION_DATABASE_URL") or \
            f"sqlite:///{folder}/m.sqlite3"

    app = create_app(Fresh)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
