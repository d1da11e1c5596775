"""SQLite runs with WAL, foreign keys and a busy timeout; writes begin IMMEDIATE."""

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from trainer.database import BUSY_TIMEOUT_MS, set_write_intent
from trainer.extensions import db


@pytest.mark.usefixtures("db_ctx")
def test_sqlite_connections_have_wal_foreign_keys_and_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS


def test_writing_requests_begin_immediate_and_reads_deferred(app, client, users):
    statements = []
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/login")
        reads = list(statements)
        statements.clear()
        client.post("/api/v1/tokens", json={"username": "worker", "password": "wrong-one-1"})
    finally:
        event.remove(engine, "before_cursor_execute", record)
        set_write_intent(True)
    assert "BEGIN IMMEDIATE" not in reads
    assert statements[0] == "BEGIN IMMEDIATE"


@pytest.mark.usefixtures("db_ctx")
def test_foreign_keys_are_enforced(app):
    if db.engine.dialect.name != "sqlite":
        return
    try:
        db.session.execute(sa.text(
            "INSERT INTO units (code, name, level, parent_id, path, active, created_at) "
            "VALUES ('X', 'x', 'street', 999999, '/', 1, '2026-01-01')"))
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return
    raise AssertionError("a dangling foreign key was accepted")
