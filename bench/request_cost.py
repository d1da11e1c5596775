"""The cost of one request, in process: the endpoints of api_read.py called straight
through the WSGI app (no server, no network), timed, their SQL statements counted, and
optionally profiled, beside a bare Flask hello.

Run: .venv/bin/python bench/request_cost.py [--n 2000] [--profile ENDPOINT] [--top 40]
     DATABASE_URL=... as for api_read.py (an empty database is migrated, loaded and
     seeded as `make run` does; a database already prepared is used as it is with --reuse)

The in-process figure is what one request costs the CPU; under gunicorn and wrk the
ratios come out higher (the server's and the network's own cost is the same for the bare
hello and the app), see api_read.py.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.test import EnvironBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import prepared_env  # noqa: E402


def environ(method: str, path: str, token: str | None = None, body=None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    builder = EnvironBuilder(path=path, method=method, headers=headers, data=data,
                             content_type="application/json" if data else None,
                             environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return builder.get_environ()


def call(app, env: dict) -> tuple[str, bytes]:
    env = dict(env)
    if "wsgi.input" in env:
        body = env["wsgi.input"].getvalue() if hasattr(env["wsgi.input"], "getvalue") \
            else b""
        env["wsgi.input"] = io.BytesIO(body)
    got = []

    def start_response(status, headers, exc_info=None):
        got.append(status)

    out = b"".join(app(env, start_response))
    return got[0], out


def api(app, method: str, path: str, token: str | None = None, body=None):
    env = environ(method, path, token, body)
    env["wsgi.input"] = io.BytesIO(env["wsgi.input"].read())
    status, out = call(app, env)
    if not status.startswith("2"):
        raise SystemExit(f"{method} {path}: {status} {out[:300]!r}")
    return json.loads(out)


def autosave_env(app, token: str) -> dict:
    for course in api(app, "GET", "/api/v1/courses", token):
        quiz = api(app, "GET", f"/api/v1/courses/{course['slug']}", token).get("quiz")
        if quiz:
            break
    else:
        raise SystemExit("no course with a quiz")
    attempt = api(app, "POST", f"/api/v1/quizzes/{quiz['id']}/attempts", token)
    deadline = attempt.get("deadline")
    if deadline and datetime.fromisoformat(deadline) < datetime.now(UTC) + timedelta(minutes=5):
        # a reused database's attempt may be past its time: submit it, start another
        api(app, "POST", f"/api/v1/attempts/{attempt['attempt_id']}/submit", token)
        attempt = api(app, "POST", f"/api/v1/quizzes/{quiz['id']}/attempts", token)
    q = attempt["questions"][0]
    keys = [o["key"] for o in q.get("options") or []]
    answer = {"single": keys[0] if keys else None, "multiple": keys[:1], "truefalse": True,
              "short": "网格", "numerical": 1}[q["type"]]
    path = f"/api/v1/attempts/{attempt['attempt_id']}/answers/{q['id']}"
    env = environ("PUT", path, token, {"answer": answer})
    env["wsgi.input"] = io.BytesIO(env["wsgi.input"].read())
    return env


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, *args, **kwargs):
        self.n += 1


def measure(app, env: dict, n: int) -> float:
    for _ in range(min(200, n)):
        status, _out = call(app, env)
    if not status.startswith("2"):
        raise SystemExit(f"{env['PATH_INFO']}: {status}")
    # CPU time of this process: on a machine shared with other work, wall time measures
    # the neighbours as much as the request
    start = time.process_time()
    for _ in range(n):
        call(app, env)
    return (time.process_time() - start) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--profile", default="", help="a name below, e.g. courses")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--reuse", action="store_true",
                        help="DATABASE_URL is already prepared: do not migrate or seed")
    args = parser.parse_args()
    if not args.reuse:
        os.environ.update(prepared_env())
    os.environ.setdefault("TRAINER_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "b" * 40)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hello_app import app as hello
    from sqlalchemy import event

    from trainer import create_app
    from trainer.extensions import db

    app = create_app()
    wsgi = app.wsgi_app if not app.config.get("PROXY_COUNT") else app.wsgi_app
    token = api(app, "POST", "/api/v1/tokens",
                body={"username": "worker", "password": "Bench-pass-2026"})["token"]
    envs = {
        "hello": (hello.wsgi_app, environ("GET", "/")),
        "healthz": (wsgi, environ("GET", "/healthz")),
        "courses": (wsgi, environ("GET", "/api/v1/courses", token)),
        "me": (wsgi, environ("GET", "/api/v1/me", token)),
        "autosave": (wsgi, autosave_env(app, token)),
    }
    counter = Counter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
    base = None
    for name, (target, env) in envs.items():
        ms = measure(target, env, args.n)
        counter.n = 0
        call(target, env)
        statements = counter.n
        base = base or ms
        print(f"{name:10s} {ms:7.3f} CPU ms/request  {base / ms:5.2f}x hello  "
              f"{statements} statements")
    if args.profile:
        target, env = envs[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            call(target, env)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
