"""Authenticated API read (the course catalogue) vs a bare Flask hello, gunicorn -w 2.

DESIGN.md target: >= 0.5x with zero errors at 32 connections.
Run: .venv/bin/python bench/api_read.py   (DATABASE_URL=postgresql+psycopg://... for PG)
"""

import json
from urllib.request import Request, urlopen

from common import ROOT, Server, prepared_env, wrk


def token(base: str) -> str:
    body = json.dumps({"username": "worker", "password": "Bench-pass-2026"}).encode()
    req = Request(base + "/api/v1/tokens", data=body,
                  headers={"Content-Type": "application/json"})
    with urlopen(req, timeout=10) as resp:
        return json.load(resp)["token"]


def main() -> None:
    env = prepared_env()
    app = Server("wsgi:app", env).wait("/healthz")
    hello = Server("hello_app:app", env, cwd=ROOT / "bench").wait("/")
    try:
        auth = {"Authorization": f"Bearer {token(app.url)}"}
        wrk(hello.url + "/", seconds=3)  # warm-up
        base = wrk(hello.url + "/")
        health = wrk(app.url + "/healthz")
        catalogue = wrk(app.url + "/api/v1/courses", headers=auth)
    finally:
        app.stop()
        hello.stop()
    db = env["DATABASE_URL"].split(":")[0]
    print(f"database: {db}")
    for name, row in (("bare Flask hello", base), ("GET /healthz", health),
                      ("GET /api/v1/courses (bearer)", catalogue)):
        print(f"{name:32s} {row['rps']:9.1f} req/s  p50 {row['p50']} ms  p99 {row['p99']} ms"
              f"  errors {row['errors']}  ratio {row['rps'] / base['rps']:.2f}")


if __name__ == "__main__":
    main()
