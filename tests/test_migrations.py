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


def _before_open_index() -> str:
    """The revision uq_attempts_open's migration revises (whatever it is after merges)."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "migrations" / "versions"
            / "a7c9e1f3b5d2_attempts_one_open_per_series.py").read_text(encoding="utf-8")
    return re.search(r"^down_revision = '(\w+)'", text, re.M).group(1)


def _racy_attempts(held: bool) -> dict:
    """At the revision before uq_attempts_open: a user with the open attempts the start
    race left (numbers 2, 3 and 4 open, 1 submitted) and one open practice attempt; the
    oldest open one holds a saved answer when ``held``. Their ids by (series, number)."""
    from trainer.auth.models import User
    from trainer.models import utcnow
    from trainer.quizzes.models import Attempt, AttemptAnswer, Question, QuestionBank, Quiz

    def add(model, **values):
        return db.session.execute(sa.insert(model).values(**values).returning(model.id)
                                  ).scalar_one()

    user = add(User, username="racer", name="racer", role="admin", password_hash="x")
    quiz = add(Quiz, title="quiz")
    ids = {}
    for series, number, submitted in (("quiz", 1, True), ("quiz", 2, False),
                                      ("quiz", 3, False), ("quiz", 4, False),
                                      ("practice", 1, False)):
        ids[series, number] = add(Attempt, quiz_id=quiz, user_id=user, series=series,
                                  attempt_no=number, questions=[],
                                  submitted_at=utcnow() if submitted else None)
    if held:
        bank = add(QuestionBank, name="bank")
        question = add(Question, bank_id=bank, type="single", stem="stem", content_hash="h")
        add(AttemptAnswer, attempt_id=ids["quiz", 2], question_id=question, answer="A")
    db.session.commit()
    return ids


def test_upgrade_deletes_the_empty_duplicate_open_attempts_the_start_race_left():
    from trainer.quizzes.models import Attempt

    app = unmigrated_app(os.environ.get("TEST_MIGRATION_DATABASE_URL"))
    with app.app_context():
        upgrade(revision=_before_open_index())
        ids = _racy_attempts(held=False)
        upgrade()
        left = set(db.session.scalars(sa.select(Attempt.id)))
        db.session.rollback()
        downgrade(revision="base")
        db.engine.dispose()
    assert left == {ids["quiz", 1], ids["quiz", 4], ids["practice", 1]}


def test_upgrade_stops_at_a_duplicate_open_attempt_that_holds_answers(capsys):
    import pytest

    app = unmigrated_app(os.environ.get("TEST_MIGRATION_DATABASE_URL"))
    with app.app_context():
        upgrade(revision=_before_open_index())
        ids = _racy_attempts(held=True)
        with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError and exits
            upgrade()
        with db.engine.connect() as conn:
            version = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("attempts")}
        downgrade(revision="base")
        db.engine.dispose()
    assert f"attempts [{ids['quiz', 2]}]. Submit them" in capsys.readouterr().err
    assert version == _before_open_index() and "uq_attempts_open" not in indexes
