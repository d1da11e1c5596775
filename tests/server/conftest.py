"""Real servers: gunicorn processes on loopback against a migrated temporary database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _empty_server_database(url: str) -> None:
    """A server database shared by these tests starts each one with no schema at all."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def server_env(tmp_path):
    """Environment for a production-mode app on a fresh, migrated database: SQLite, or the
    PostgreSQL database TEST_SERVER_DATABASE_URL names (emptied first)."""
    url = os.environ.get("TEST_SERVER_DATABASE_URL")
    if url:
        _empty_server_database(url)
    env = {**os.environ, "TRAINER_ENV": "production", "SECRET_KEY": "s" * 40,
           "DATABASE_URL": url or f"sqlite:///{tmp_path / 'server.sqlite3'}", "FLASK_APP": "wsgi"}
    env.pop("REDIS_URL", None)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return env


@pytest.fixture
def start_server():
    procs = []

    def start(env, workers: int = 2, threads: int | None = None) -> str:
        port = free_port()
        extra = ["--threads", str(threads)] if threads else []
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), *extra, "-b", f"127.0.0.1:{port}",
             "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    return base
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        proc.kill()
        raise RuntimeError(proc.stderr.read().decode()[-2000:])

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
