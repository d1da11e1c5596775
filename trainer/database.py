"""Engine tuning: SQLite pragmas and BEGIN IMMEDIATE for writing transactions.

SQLite runs in WAL mode with foreign keys on and a busy timeout. A transaction that may
write starts with ``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout
instead of failing with "database is locked" when a deferred reader tries to upgrade.
Plain GET requests read with a deferred BEGIN (WAL readers never block).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15000
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def set_write_intent(value: bool) -> None:
    """Declare whether transactions begun from now on in this context may write."""
    _write_intent.set(value)


def write_intent() -> bool:
    """Whether transactions begun now in this context may write (BEGIN IMMEDIATE)."""
    return _write_intent.get()


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and transaction mode on ``engine`` (no-op elsewhere)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get(STATEMENT_BY_STATEMENT):
            return  # read_connection(): each statement on its own
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


STATEMENT_BY_STATEMENT = "trainer_statement_by_statement"


def read_connection():
    """This request's connection for hot reads that need no transaction (one statement,
    or a few each correct on its own: who the bearer caller is, the catalogue page):
    outside the ORM session, no BEGIN and no ROLLBACK (SQLite: no BEGIN issued, the
    driver runs each statement by itself; PostgreSQL: autocommit, which spares two round
    trips). Opened on first use, returned to the pool when the request ends. Never for
    a write: those go through the session and its unit of work."""
    from flask import g

    from trainer.extensions import db

    conn = g.get("_read_connection")
    if conn is None:
        conn = db.engine.connect()
        if conn.dialect.name == "sqlite":
            conn.execution_options(**{STATEMENT_BY_STATEMENT: True})
        else:
            conn.execution_options(isolation_level="AUTOCOMMIT")
        g._read_connection = conn
    return conn


def close_read_connection(_exc=None) -> None:
    """Teardown: return the request's read connection (if any) to the pool."""
    from flask import g

    conn = g.pop("_read_connection", None)
    if conn is not None:
        conn.close()


@contextmanager
def write_transaction():
    """A write made while serving a read (a GET that records something), in a transaction of
    its own: the reading one ends first, so on SQLite the write begins IMMEDIATE instead of
    upgrading a deferred reader, which fails at once ("database is locked") when another
    connection wrote since the reader's snapshot. Commits on success."""
    with _transaction_of_its_own(write=True):
        yield


@contextmanager
def _transaction_of_its_own(*, write: bool):
    """End the transaction begun so far, run the block in a new one that begins IMMEDIATE
    (``write``) or deferred, commit it (roll back on an error) and restore the intent."""
    from trainer.extensions import db

    before = _write_intent.get()
    db.session.commit()
    set_write_intent(write)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        set_write_intent(before)


def modelled(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name``: False for what the database maintains by itself for
    text search and the models do not describe: an FTS5 table and its shadow tables
    (``*_fts``, ``*_fts_*``) and trigram indexes (``*_trgm``). See trainer.search.models."""
    if not name:
        return True
    if type_ == "table":
        return not (name.endswith("_fts") or "_fts_" in name)
    return not (type_ == "index" and name.endswith("_trgm"))


@contextmanager
def without_write_lock():
    """Slow work of a writing request done before its writes (parsing an upload, hashing
    passwords) without holding SQLite's write lock, so that logins never wait on it: the
    transaction begun so far ends (it must not have written), reads inside begin deferred
    and end on leaving, and the writes that follow begin a new IMMEDIATE transaction."""
    from trainer.extensions import db

    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("without_write_lock() after a write would commit it early")
    with _transaction_of_its_own(write=False):  # nothing written: this only ends the lock
        yield
