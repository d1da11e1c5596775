"""The cost of every request: /healthz, the authenticated catalogue, /api/v1/me and the
autosave, each as a ratio to a bare Flask hello, all under gunicorn -w 2 and wrk -c32,
measured in turn (common.interleaved) so that every endpoint sees the same spells of a
shared machine.

Targets (issue 19): /healthz >= 0.6x bare Flask; the catalogue, /me and the autosave
>= 0.35x (0.5x the aim beyond it), with zero errors.
Run: .venv/bin/python bench/api_read.py [--rounds 3] [--seconds 4]
     DATABASE_URL=postgresql+psycopg://... for PostgreSQL (an empty database: it is
     migrated, loaded and seeded as `make run` does)
"""

import argparse
import json
import tempfile
import time
from pathlib import Path
from urllib.request import Request, urlopen

from common import ROOT, Server, interleaved, prepared_env, wrk
from quiz_burst import LUA, lua_string


def call(base: str, method: str, path: str, token: str | None = None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urlopen(Request(base + path, data=data, headers=headers, method=method),
                 timeout=10) as resp:
        return json.load(resp)


def token(base: str) -> str:
    return call(base, "POST", "/api/v1/tokens",
                body={"username": "worker", "password": "Bench-pass-2026"})["token"]


def autosave_items(base: str, tok: str) -> list[tuple[str, str, str]]:
    """(token, path, answer JSON) for every question of a module quiz the worker starts."""
    for course in call(base, "GET", "/api/v1/courses", tok):
        quiz = call(base, "GET", f"/api/v1/courses/{course['slug']}", tok).get("quiz")
        if quiz:
            break
    else:
        raise SystemExit("no course with a quiz in the seeded catalogue")
    attempt = call(base, "POST", f"/api/v1/quizzes/{quiz['id']}/attempts", tok)
    items = []
    for q in attempt["questions"]:
        keys = [o["key"] for o in q.get("options") or []]
        answer = {"single": keys[0] if keys else None, "multiple": keys[:1],
                  "truefalse": True, "short": "网格", "numerical": 1}[q["type"]]
        items.append((tok, f"/api/v1/attempts/{attempt['attempt_id']}/answers/{q['id']}",
                      json.dumps(answer)))
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    env = prepared_env()
    app = Server("wsgi:app", env).wait("/healthz")
    hello = Server("hello_app:app", env, cwd=ROOT / "bench").wait("/")
    folder = Path(tempfile.mkdtemp(prefix="gt-wrk-"))
    try:
        tok = token(app.url)
        auth = {"Authorization": f"Bearer {tok}"}
        items = ", ".join("{" + ", ".join(lua_string(x) for x in item) + "}"
                          for item in autosave_items(app.url, tok))

        def saves() -> dict:
            script = folder / f"autosave-{time.time_ns()}.lua"
            script.write_text(LUA % (items, time.time_ns() // 1000), "utf-8")
            return wrk(app.url + "/", seconds=args.seconds, script=str(script))

        wrk(hello.url + "/", seconds=2)  # warm-up
        wrk(app.url + "/api/v1/courses", seconds=2, headers=auth)
        got = interleaved({
            "bare Flask hello": lambda: wrk(hello.url + "/", seconds=args.seconds),
            "GET /healthz": lambda: wrk(app.url + "/healthz", seconds=args.seconds),
            "GET /api/v1/courses": lambda: wrk(app.url + "/api/v1/courses",
                                               seconds=args.seconds, headers=auth),
            "GET /api/v1/me": lambda: wrk(app.url + "/api/v1/me", seconds=args.seconds,
                                          headers=auth),
            "PUT autosave": saves,
        }, args.rounds)
    finally:
        app.stop()
        hello.stop()
    base = got["bare Flask hello"]["rps"]
    print(f"database: {env['DATABASE_URL'].split(':')[0]}  "
          f"({args.rounds} rounds of {args.seconds} s, in turn)")
    for name, row in got.items():
        print(f"{name:22s} {row['rps']:8.1f} req/s  p50 {row['p50']} ms  p99 {row['p99']} ms"
              f"  errors {row['errors']}  ratio {row['rps'] / base:.2f}  by round "
              f"{row['rounds']}")


if __name__ == "__main__":
    main()
