"""`flask db upgrade` builds exactly the schema the models describe, and downgrades cleanly."""

import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import unmigrated_app
from trainer.database import modelled
from trainer.extensions import db


def test_upgrade_from_empty_matches_models_and_downgrade_empties():
    app = unmigrated_app(os.environ.get("TEST_MIGRATION_DATABASE_URL"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_name": modelled}), db.metadata)
            fks = sa.inspect(conn).get_foreign_keys("scenarios")
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert {"current_version_id"} <= {c for fk in fks for c in fk["constrained_columns"]}
    assert left == set(), f"downgrade left tables behind: {left}"


def test_upgrade_provides_the_ten_departments():
    app = unmigrated_app()
    with app.app_context():
        upgrade()
        from trainer.org.services import DEPARTMENTS

        codes = set(db.session.scalars(sa.text("SELECT code FROM departments")))
        db.engine.dispose()
    assert codes == {code for code, _name in DEPARTMENTS}
