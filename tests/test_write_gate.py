"""SQLite's write gate (trainer/database.py): writers queue on a file lock instead of
polling SQLite's busy timeout, without a new way to fail or to wait for ever."""

import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time

import pytest

from tests.conftest import TestConfig
from trainer import create_app
from trainer.database import GatedConnection, begin_immediate
from trainer.extensions import db


def connect(path, gated=True, busy_ms=15000):
    conn = sqlite3.connect(path, factory=GatedConnection if gated else sqlite3.Connection,
                           isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def gate_is_free(path) -> bool:
    fd = os.open(str(path) + "-gate", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing lets go of a lock just taken
    return True


@pytest.fixture
def path(tmp_path):
    path = str(tmp_path / "gate.sqlite3")
    conn = connect(path)
    conn.execute("CREATE TABLE t (n INTEGER)")
    conn.close()
    return path


def _late_writer(path, gated, busy_ms, trying, out):
    """In a process of its own: try to write while another process holds the write lock,
    with a busy timeout far shorter than the other's transaction."""
    conn = connect(path, gated=gated, busy_ms=busy_ms)
    trying.set()
    try:
        begin_immediate(conn)
        conn.execute("INSERT INTO t VALUES (2)")
        conn.commit()
        out.put("written")
    except sqlite3.OperationalError as exc:
        out.put(f"error: {exc}")
    finally:
        conn.close()


@pytest.mark.parametrize("gated", [True, False])
def test_a_writer_queues_at_the_gate_where_the_busy_timeout_gives_up(path, gated):
    """The holder keeps its transaction 0.8 s; the other process's busy timeout is 50 ms.
    Without the gate it polls and gives up ("database is locked"); with it, it waits in
    the kernel and writes as soon as the holder commits."""
    ctx = multiprocessing.get_context("spawn")
    trying, out = ctx.Event(), ctx.Queue()
    holder = connect(path, gated=gated)
    begin_immediate(holder)
    holder.execute("INSERT INTO t VALUES (1)")
    child = ctx.Process(target=_late_writer, args=(path, gated, 50, trying, out))
    child.start()
    try:
        assert trying.wait(30)
        time.sleep(0.8)
        holder.commit()
        child.join(30)
        got = out.get(timeout=5)
    finally:
        child.kill()
        holder.close()
    if gated:
        assert got == "written"
        rows = connect(path).execute("SELECT n FROM t ORDER BY n").fetchall()
        assert rows == [(1,), (2,)]
    else:
        assert got == "error: database is locked"


def test_the_gate_goes_with_commit_rollback_close_and_a_failed_begin(path):
    conn = connect(path)
    for end in (conn.commit, conn.rollback):
        begin_immediate(conn)
        assert not gate_is_free(path)
        end()
        assert gate_is_free(path)
    begin_immediate(conn)
    conn.close()
    assert gate_is_free(path)
    # a writer outside the gate holds SQLite's lock: the gated BEGIN fails on its busy
    # timeout, and the rollback that follows (the pool's, on return) lets the gate go
    outsider = connect(path, gated=False)
    outsider.execute("BEGIN IMMEDIATE")
    late = connect(path, busy_ms=20)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_immediate(late)
    assert not gate_is_free(path)
    late.rollback()
    assert gate_is_free(path)
    outsider.rollback()


def test_a_second_writer_in_the_holding_thread_does_not_wait_for_itself(path):
    """Two writing connections in one thread: the second goes to SQLite's busy timeout
    (an error after it, as without the gate) instead of waiting at the gate for ever."""
    outcome = []

    def run():
        first, second = connect(path), connect(path, busy_ms=50)
        begin_immediate(first)
        try:
            begin_immediate(second)
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))
        first.rollback()
        begin_immediate(second)  # the first let go: the second now takes the gate
        outcome.append(gate_is_free(path))
        second.rollback()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "the second writer waited at its own thread's gate"
    assert outcome == ["database is locked", False]


def _inherited(conn, out):
    """A forked child with the parent's connection object, whose gate the parent holds."""
    conn.let_go()  # the parent's lock: a copy must not let it go
    out.put(gate_is_free(conn._gate_path[:-len("-gate")]))


def test_a_forked_copy_never_lets_go_of_its_parents_gate(path):
    conn = connect(path)
    begin_immediate(conn)
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_inherited, args=(conn, out))
    child.start()
    child.join(30)
    assert out.get(timeout=5) is False
    assert not gate_is_free(path)
    conn.rollback()
    assert gate_is_free(path)
    conn.close()


def test_only_file_databases_have_a_gate(tmp_path):
    memory = sqlite3.connect(":memory:", factory=GatedConnection)
    begin_immediate(memory)  # nothing to lock: no file
    memory.rollback()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("setting", [True, False])
def test_the_app_makes_gated_connections_unless_told_not_to(tmp_path, setting):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/app.sqlite3"
        SQLITE_WRITE_GATE = setting

    app = create_app(Config)
    with app.app_context():
        conn = db.engine.raw_connection()
        try:
            assert isinstance(conn.dbapi_connection, GatedConnection) is setting
        finally:
            conn.close()
            db.engine.dispose()
