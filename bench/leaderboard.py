"""Leaderboard of 100,000 entrants under gunicorn -w 2, as a ratio to GET /healthz of the
same app in the same run; on SQLite, and on PostgreSQL when DATABASE_URL names one; each
without and with Redis (when one answers). Also counts the SQL statements of one
leaderboard request at 10 and at 100,000 entrants (they must be equal).

Issue 8 target: ratio >= 0.5 with zero errors, statements constant in the entrants.
GET /api/v1/me is measured too: the cost of loading the caller's account, which a
worker's leaderboard request no longer pays (its token is checked in its first
statement). healthz, the leaderboard and /me are measured in turn, round after round
(common.interleaved), so a drift in the machine's speed weighs on all three alike. Each
database runs with the default one-second page cache (board.cached_rows) and with it off
(COMPETITION_BOARD_CACHE_SECONDS=0), so both costs are visible.

    .venv/bin/python bench/leaderboard.py [--entrants 100000] [--seconds 3] [--rounds 4]
        [--connections 32] [--redis redis://127.0.0.1:6379/14]

The schema comes from the migrations (bench/competition_setup.py). Loopback only; every
run is bounded (wrk -d).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import Request, urlopen

from common import ROOT, Server, interleaved, wrk

PYTHON = sys.executable
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def setup(url: str, mode: str, number: int) -> dict:
    """Run competition_setup.py against ``url`` and return what it wrote."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([PYTHON, str(ROOT / "bench" / "competition_setup.py"), mode, str(number),
                    path], cwd=ROOT, env=env, check=True)
    data = json.loads(Path(path).read_text("utf-8"))
    os.unlink(path)
    return data


class ScratchPostgres:
    """A database created for the run on the server DATABASE_URL names, dropped after."""

    def __init__(self, url: str, label: str):
        import sqlalchemy as sa

        self.sa, self.name = sa, f"gt_bench_{label}_{os.getpid()}"
        self.admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        self.url = self.admin.url.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        sa = self.sa
        with self.admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :n"), {"n": self.name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self.admin.dispose()


def redis_url(wanted: str | None) -> str | None:
    """The Redis to use, if it answers; its competition keys are cleared."""
    url = wanted or os.environ.get("REDIS_URL") or DEFAULT_REDIS
    try:
        import redis

        client = redis.Redis.from_url(url)
        client.ping()
    except Exception:  # noqa: BLE001 - no Redis here: run the SQL variants only
        return None
    clear_redis(url)
    return url


def clear_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match="gt:competition:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])


def get(url: str, token: str) -> dict:
    req = Request(url, headers={"Authorization": f"Bearer {token}"})
    with urlopen(req, timeout=120) as resp:
        return json.load(resp)


def measure(db_url: str, data: dict, redis: str | None, args, cache: bool = True) -> dict:
    env = {**os.environ, "DATABASE_URL": db_url, "TRAINER_ENV": "production",
           "SECRET_KEY": "b" * 40, "COMPETITION_BOARD_CACHE_SECONDS": "1" if cache else "0"}
    env.pop("REDIS_URL", None)
    if redis:
        clear_redis(redis)
        env["REDIS_URL"] = redis
    server = Server("wsgi:app", env, workers=2).wait("/healthz")
    path = f"/api/v1/competitions/{data['comp_id']}/leaderboard?limit=50"
    auth = {"Authorization": f"Bearer {data['token']}"}
    try:
        started = time.monotonic()
        first = get(server.url + path, data["token"])  # with Redis: builds the sorted sets
        warm = time.monotonic() - started
        assert len(first["entries"]) == 50 and first["me"]["rank"], first
        wrk(server.url + "/healthz", seconds=3, connections=args.connections)  # warm-up
        got = interleaved({
            "health": lambda: wrk(server.url + "/healthz", seconds=args.seconds,
                                  connections=args.connections),
            "board": lambda: wrk(server.url + path, seconds=args.seconds,
                                 connections=args.connections, headers=auth),
            "me": lambda: wrk(server.url + "/api/v1/me", seconds=args.seconds,
                              connections=args.connections, headers=auth),
        }, args.rounds)
        health, board, me = got["health"], got["board"], got["me"]
    finally:
        server.stop()
    return {"health": health, "board": board, "auth": me, "first_request_s": round(warm, 2),
            "me": first["me"]}


def report(label: str, result: dict) -> None:
    health, board, auth = result["health"], result["board"], result["auth"]
    print(f"{label:32s} healthz {health['rps']:7.1f} req/s | leaderboard {board['rps']:7.1f} "
          f"req/s p50 {board['p50']} ms p99 {board['p99']} ms errors {board['errors']} "
          f"(rounds {board['rounds']} vs healthz {health['rounds']}) | "
          f"ratio {board['rps'] / health['rps']:.2f} | GET /api/v1/me (the bearer-auth floor) "
          f"{auth['rps']:7.1f} req/s ratio {auth['rps'] / health['rps']:.2f} | first request "
          f"{result['first_request_s']} s | me {result['me']}")


def run_database(label: str, url: str, redis: str | None, args) -> None:
    data = setup(url, "leaderboard", args.entrants)
    print(f"{label}: seeded {args.entrants} entrants in {data['seed_seconds']} s; SQL "
          f"statements per leaderboard request: {data['statements']}")
    report(f"{label}", measure(url, data, None, args))
    report(f"{label}, no page cache", measure(url, data, None, args, cache=False))
    if redis:
        report(f"{label} + Redis", measure(url, data, redis, args))
        report(f"{label} + Redis, no cache", measure(url, data, redis, args, cache=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entrants", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=3, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=4,
                        help="healthz, leaderboard and /me measured in turn, this often")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--redis", default=None)
    args = parser.parse_args()
    redis = redis_url(args.redis)
    if redis is None:
        print("no Redis answering: the Redis variants are skipped")
    folder = tempfile.mkdtemp(prefix="gt-bench-board-")
    run_database("SQLite", f"sqlite:///{folder}/board.sqlite3", redis, args)
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgresql"):
        scratch = ScratchPostgres(pg, "board")
        try:
            run_database("PostgreSQL", scratch.url, redis, args)
        finally:
            scratch.drop()
    else:
        print("DATABASE_URL names no PostgreSQL database: the PostgreSQL runs are skipped")


if __name__ == "__main__":
    main()
