"""Engine tuning: SQLite pragmas, BEGIN IMMEDIATE for writing transactions, and a write
gate that queues SQLite's writers.

SQLite runs in WAL mode with foreign keys on and a busy timeout. A transaction that may
write starts with ``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout
instead of failing with "database is locked" when a deferred reader tries to upgrade.
Plain GET requests read with a deferred BEGIN (WAL readers never block).

The write gate. SQLite's busy timeout does not queue a writer: one that finds the write
lock taken sleeps 1, 2, 5, 10, ... up to 100 ms and tries again, so with two app processes
saving answers a save that collides waits several times what the save it waited for took
(measured: the autosave at 0.26x bare Flask, against 0.34x with the gate). Before its
``BEGIN IMMEDIATE`` each writing transaction therefore takes an exclusive ``flock`` on a
file beside the database (``<database>-gate``) and holds it until it commits or rolls
back: the kernel wakes the next writer as the lock is let go. The gate adds no way to
fail and no way to wait for ever that SQLite's own lock has not:

- whoever holds the gate holds, or is about to take, SQLite's write lock, which every
  writer needs anyway; a writer that does not take the gate (a deferred transaction that
  writes, another program) is still handled by the busy timeout, as before;
- a second writing connection in the thread that already holds the gate does not wait for
  it (that would wait for itself): it goes to SQLite's lock and busy timeout, as before;
- the lock goes with the transaction (commit, rollback, close, a failed BEGIN rolled back
  by the pool) and with the process (the kernel drops a dead process's flock), and a
  forked child opens a gate file of its own (a flock is shared across a fork).

Only file databases have a gate (``SQLITE_WRITE_GATE``, on by default); ``:memory:`` and
``file:`` URIs go without.
"""

import fcntl
import os
import sqlite3
import threading
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
        if _write_intent.get():
            gate(conn.connection.dbapi_connection)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


_holders: dict[int, int] = {}  # thread id -> gates held by that thread's connections
_holders_lock = threading.Lock()
# a forked child holds no gate, whatever its parent's threads held
os.register_at_fork(after_in_child=_holders.clear)


class GatedConnection(sqlite3.Connection):
    """A SQLite connection with the write gate (see the module's docstring): ``gate()``
    takes it before a ``BEGIN IMMEDIATE``; commit, rollback and close let it go."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        name = os.fspath(database)
        self._gate_path = None if name in ("", ":memory:") or name.startswith("file:") \
            else name + "-gate"
        self._gate_fd = None
        self._gate_pid = None
        self._gate_held = False
        self._gate_thread = None

    def take_gate(self) -> None:
        if self._gate_path is None:
            return
        if self._gate_pid != os.getpid():  # new, or inherited across a fork
            self._gate_fd = os.open(self._gate_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._gate_pid, self._gate_held = os.getpid(), False
        me = threading.get_ident()
        if self._gate_held or _holders.get(me):
            return
        fcntl.flock(self._gate_fd, fcntl.LOCK_EX)
        self._gate_held, self._gate_thread = True, me
        with _holders_lock:
            _holders[me] = _holders.get(me, 0) + 1

    def let_go(self) -> None:
        if not self._gate_held:
            return
        self._gate_held = False
        if self._gate_pid != os.getpid():
            return  # a copy made by a fork: the lock is the parent's, not to let go here
        with _holders_lock:
            left = _holders.pop(self._gate_thread, 1) - 1
            if left:
                _holders[self._gate_thread] = left
        fcntl.flock(self._gate_fd, fcntl.LOCK_UN)

    def commit(self):
        try:
            super().commit()
        finally:
            self.let_go()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self.let_go()

    def close(self):
        try:
            super().close()
        finally:
            self.let_go()
            if self._gate_fd is not None and self._gate_pid == os.getpid():
                os.close(self._gate_fd)
            self._gate_fd = None


def gate(dbapi_connection) -> None:
    """Take the write gate of a SQLite connection made with it (no-op otherwise); the
    caller then begins its IMMEDIATE transaction."""
    if isinstance(dbapi_connection, GatedConnection):
        dbapi_connection.take_gate()


def begin_immediate(dbapi_connection) -> None:
    """Begin a writing transaction on a SQLite DB-API connection used without SQLAlchemy
    (the engine's own transactions do this in its "begin" event): the gate, then
    ``BEGIN IMMEDIATE``; the connection's commit or rollback lets the gate go."""
    gate(dbapi_connection)
    dbapi_connection.execute("BEGIN IMMEDIATE")


def engine_options(options: dict) -> dict:
    """SQLite engine options with the write gate's connection class."""
    args = dict(options.get("connect_args", {}))
    args.setdefault("factory", GatedConnection)
    return {**options, "connect_args": args}


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
