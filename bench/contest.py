"""The contest morning as a load test (issue 19 item 2).

N entrants (demo workers w0001…) log in spread over a few minutes, enter one contest,
press start during the first 20 s after its quiz round opens, answer its questions with
5–15 s of think time each (every answer autosaved), and submit; half of them poll the
leaderboard every 10 s meanwhile. One gunicorn worker is killed (SIGKILL) mid-round;
a request cut off or answered 5xx is retried once, as the page's script does.

    .venv/bin/python bench/contest.py                       # SQLite, N=2000, real think
    .venv/bin/python bench/contest.py --entrants 200 --quick
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/contest.py                   # PostgreSQL (scratch database)
    DATABASE_URL=<the site's database> .venv/bin/python bench/contest.py \\
        --url http://127.0.0.1:8080 [--kill-worker-of MASTER_PID]  # a running site

Without --url: a scratch database (a temporary SQLite file, or a database created on the
PostgreSQL server DATABASE_URL names and dropped afterwards) built by the migrations,
`flask demo seed --workers N`, a contest whose round opens shortly after the logins, and
`gunicorn -w 2` (sync workers, ./gunicorn.conf.py, production config). With --url the
site is used as it runs: DATABASE_URL must name its database (the contest is added to it
and checked in it afterwards); a worker is killed only with --kill-worker-of (one of that
gunicorn master's workers, picked when the time comes) or --kill-pid.

The load comes from --procs processes of their own; each simulates its share of the
entrants with a scheduler (a heap of due actions and a bounded pool of client threads),
so a think time costs no thread. The client's CPU time is reported beside the figures.
Afterwards, from the database: every acknowledged answer is in the graded attempt exactly
once, every attempt is graded once with the score its acknowledged answers give, and the
served standings equal a recomputation (competition_setup.verify).
Loopback by default; stdlib client; every wait is bounded.
"""

import argparse
import heapq
import http.client
import json
import multiprocessing
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from common import BIN, ROOT, Server
from leaderboard import ScratchPostgres

PASSWORD = "Bench-pass-2026"
PHASES = ("login", "enter", "start", "autosave", "leaderboard", "submit")
RETRY_AFTER = 0.5  # seconds before the one retry (the page's script waits about as long)


# ---------------------------------------------------------------- the load processes


class Client:
    """One process's entrants, driven by a heap of due actions."""

    def __init__(self, cfg: dict, usernames: list[str]):
        self.cfg = cfg
        parts = urlsplit(cfg["url"])
        self.host, self.port = parts.hostname, parts.port or 80
        self.rng = random.Random(hash(usernames[0]) if usernames else 0)
        self.heap: list = []
        self.cond = threading.Condition()
        self.local = threading.local()
        self.records: list[tuple] = []  # (phase, ms or None, retried)
        self.entrants = {u: {"user": u, "acked": {}, "right": 0, "held_at": None,
                             "done": False, "percent": None, "poller": False}
                         for u in usernames}
        self.pending = 0
        self.seq = 0

    # scheduling
    def at(self, when: float, fn, *args) -> None:
        with self.cond:
            self.seq += 1
            heapq.heappush(self.heap, (when, self.seq, fn, args))
            self.pending += 1
            self.cond.notify()

    def run(self) -> None:
        with ThreadPoolExecutor(self.cfg["threads"]) as pool:
            while True:
                with self.cond:
                    if not self.heap and self.pending == 0:
                        break
                    if not self.heap:
                        self.cond.wait(0.5)
                        continue
                    when = self.heap[0][0]
                    delay = when - time.time()
                    if delay > 0:
                        self.cond.wait(min(delay, 0.5))
                        continue
                    _w, _s, fn, args = heapq.heappop(self.heap)
                    if when > self.cfg["stop_at"]:  # out of time: report what was done
                        self.pending -= 1
                        continue
                pool.submit(self.step, fn, args)

    def step(self, fn, args) -> None:
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - a client bug must not hang the run
            self.records.append(("client", None, 0))
            print(f"client error: {exc!r}", file=sys.stderr)
        finally:
            with self.cond:
                self.pending -= 1
                self.cond.notify()

    # HTTP
    def conn(self) -> http.client.HTTPConnection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.local.conn

    def once(self, method: str, path: str, token: str | None, body) -> tuple[int, object]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        try:
            conn = self.conn()
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            if resp.will_close:
                conn.close()
            return resp.status, (json.loads(raw) if raw else None)
        except (OSError, http.client.HTTPException, ValueError):
            self.local.conn.close()
            self.local.conn = None
            return 0, None

    def call(self, phase: str, method: str, path: str, token: str | None = None,
             body=None, ok=(200, 201)) -> tuple[int, object]:
        """One request, retried once on a cut connection or a 5xx; the latency recorded
        is the successful try's; an error is a request still failing after the retry."""
        for retried in (0, 1):
            started = time.perf_counter()
            status, payload = self.once(method, path, token, body)
            ms = (time.perf_counter() - started) * 1000
            if status in ok or (retried and phase == "submit" and status == 409
                                and (payload or {}).get("error", {}).get("code") ==
                                "submitted"):
                self.records.append((phase, ms, retried))
                return status, payload
            if retried or 0 < status < 500:
                break
            time.sleep(RETRY_AFTER)
        self.records.append((phase, None, 1))
        print(f"{phase} {method} {path}: {status} {str(payload)[:200]}", file=sys.stderr)
        return status, payload

    # the entrant's morning
    def think(self) -> float:
        low, high = self.cfg["think_range"]
        return self.rng.uniform(low, high) * self.cfg["think"]

    def plan(self) -> None:
        cfg = self.cfg
        for n, e in enumerate(self.entrants.values()):
            e["poller"] = n % 2 == 0  # half of them watch the leaderboard
            self.at(cfg["t0"] + self.rng.uniform(0, cfg["login_spread"]), self.login, e)

    def login(self, e: dict) -> None:
        status, body = self.call("login", "POST", "/api/v1/tokens",
                                 body={"username": e["user"], "password": PASSWORD})
        if status != 201:
            return
        e["token"] = body["token"]
        self.at(time.time() + self.rng.uniform(1, 3) * self.cfg["think"], self.enter, e)

    def enter(self, e: dict) -> None:
        comp = self.cfg["comp_id"]
        status, _body = self.call("enter", "POST", f"/api/v1/competitions/{comp}/entries",
                                  e["token"])
        if status not in (200, 201):
            return
        opens = self.cfg["opens"]
        self.at(opens + self.rng.uniform(0.05, self.cfg["start_window"]), self.start, e)
        if e["poller"]:
            self.at(opens + self.rng.uniform(0, self.cfg["poll"]), self.poll, e)

    def start(self, e: dict) -> None:
        comp = self.cfg["comp_id"]
        status, body = self.call("start", "POST",
                                 f"/api/v1/competitions/{comp}/rounds/1/start", e["token"])
        if status not in (200, 201):
            e["done"] = True
            return
        e["held_at"] = time.time()
        e["attempt"] = body["attempt_id"]
        e["questions"] = body["questions"]
        self.at(time.time() + self.think(), self.answer, e, 0)

    def answer(self, e: dict, i: int) -> None:
        question = e["questions"][i]
        keys = {o["html"]: o["key"] for o in question["options"]}
        right = self.rng.random() < 0.7
        value = keys["对"] if right else keys["错"]
        status, body = self.call("autosave", "PUT",
                                 f"/api/v1/attempts/{e['attempt']}/answers/{question['id']}",
                                 e["token"], {"answer": value, "seq": 1})
        if status == 200 and body.get("answer") == value:
            e["acked"][question["id"]] = value
            e["right"] += right
        nxt = i + 1
        if nxt < len(e["questions"]):
            self.at(time.time() + self.think(), self.answer, e, nxt)
        else:
            self.at(time.time() + self.think() / 2, self.submit, e)

    def submit(self, e: dict) -> None:
        status, body = self.call("submit", "POST", f"/api/v1/attempts/{e['attempt']}/submit",
                                 e["token"])
        e["done"] = True
        e["submitted"] = status in (200, 409)
        e["percent"] = (body or {}).get("percent") if status == 200 else None

    def poll(self, e: dict) -> None:
        if e["done"]:
            return
        comp = self.cfg["comp_id"]
        self.call("leaderboard", "GET", f"/api/v1/competitions/{comp}/leaderboard?limit=50",
                  e["token"])
        self.at(time.time() + self.cfg["poll"], self.poll, e)


def load_process(cfg: dict, usernames: list[str], out) -> None:
    client = Client(cfg, usernames)
    client.plan()
    client.run()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.put({"records": client.records,
             "entrants": [{k: v for k, v in e.items() if k not in ("questions", "token")}
                          for e in client.entrants.values()],
             "cpu": usage.ru_utime + usage.ru_stime})


# ---------------------------------------------------------------- the run


def helper(url: str, *args) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    subprocess.run([sys.executable, str(ROOT / "bench" / "contest_setup.py"),
                    *map(str, args), path], cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
                   check=True, timeout=900)
    data = json.loads(Path(path).read_text("utf-8"))
    os.unlink(path)
    return data


def flask(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi", "TRAINER_ENV":
           "production", "SECRET_KEY": "c" * 40, "REDIS_URL": ""}
    subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=900)


def gunicorn_worker(master: int) -> int | None:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                           text=True).stdout.split()
    return int(found[0]) if found else None


def run(label: str, db_url: str, args) -> dict:
    n = args.entrants
    began = time.time()
    if not args.url:
        flask(db_url, "db", "upgrade")
    flask(db_url, "demo", "seed", "--password", PASSWORD, "--workers", str(n))
    data = helper(db_url, "prepare", args.questions)
    setup_s = time.time() - began
    think = args.think
    login_spread = args.login_spread
    # the round opens once every entrant has logged in and entered (plus a margin)
    lead = args.boot + login_spread + 10
    opened = helper(db_url, "open", data["comp_id"], lead)
    opens = datetime.fromisoformat(opened["opens_at"]).replace(
        tzinfo=UTC).timestamp()
    server = None
    if args.url:
        url, master = args.url.rstrip("/"), None
    else:
        env = {**os.environ, "DATABASE_URL": db_url, "TRAINER_ENV": "production",
               "SECRET_KEY": "c" * 40, "REDIS_URL": args.redis or ""}
        server = Server("wsgi:app", env, workers=args.workers,
                        threads=args.worker_threads).wait("/healthz")
        url, master = server.url, server.proc.pid
    t0 = time.time()
    if t0 + login_spread + 5 > opens:
        print(f"  warning: the server took {t0 - began - setup_s:.0f} s to start; logins "
              f"run into the opening", file=sys.stderr)
    answering = args.questions * sum(args.think_range) / 2 * think
    cfg = {"url": url, "comp_id": data["comp_id"], "t0": t0, "opens": opens,
           "login_spread": login_spread, "think": think,
           "think_range": tuple(args.think_range), "start_window": args.start_window,
           "poll": args.poll * think, "threads": args.threads,
           "stop_at": opens + args.start_window + answering * 3 + args.max_extra}
    users = [f"w{k:04d}" for k in range(1, n + 1)]
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=load_process, args=(cfg, users[i::args.procs], out))
             for i in range(args.procs)]
    kill_at = opens + args.start_window + answering * 0.4
    killed = None
    try:
        for p in procs:
            p.start()
        results, deadline = [], cfg["stop_at"] + 180
        while len(results) < len(procs) and time.time() < deadline:
            if killed is None and time.time() >= kill_at:
                # a worker alive now: gunicorn's max_requests recycles workers, so a pid
                # read before the run may be gone by now
                master = args.kill_worker_of or master
                pid = args.kill_pid or (gunicorn_worker(master) if master else None)
                try:
                    if pid:
                        os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    print(f"  worker {pid} had already exited: none killed", file=sys.stderr)
                    pid = None
                killed = (pid, round(time.time() - opens, 1)) if pid else (None, None)
            try:
                results.append(out.get(timeout=1))
            except Exception:  # noqa: BLE001 - queue.Empty: keep waiting
                pass
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():  # past the deadline: its figures are lost, its load stops
                p.terminate()
        ended = time.time()
        time.sleep(2)  # the leaderboard page cache (1 s) has expired
        board = served_board(url, data["comp_id"], data["organiser_token"], n)
    finally:
        if server:
            server.stop()
    check = helper(db_url, "verify", data["comp_id"])
    return {"label": label, "n": n, "results": results, "check": check, "board": board,
            "opens": opens, "t0": t0, "ended": ended, "killed": killed, "setup_s": setup_s,
            "think": think}


def served_board(url: str, comp_id: int, token: str, n: int) -> list:
    parts = urlsplit(url)
    rows, offset = [], 0
    while offset < n + 10:
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        conn.request("GET", f"/api/v1/competitions/{comp_id}/leaderboard?limit=200&offset="
                     f"{offset}", headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        page = json.loads(resp.read())
        conn.close()
        rows += page.get("entries", [])
        if len(page.get("entries", [])) < 200:
            break
        offset += 200
    return rows


def pct(values: list[float], q: float):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def report(got: dict) -> None:
    records = [r for res in got["results"] for r in res["records"]]
    entrants = [e for res in got["results"] for e in res["entrants"]]
    cpu = sum(res["cpu"] for res in got["results"])
    wall = got["ended"] - got["t0"]
    print(f"\n{got['label']}: {got['n']} entrants, think x{got['think']}, run {wall:.0f} s "
          f"(setup {got['setup_s']:.0f} s); load {os.getloadavg()[0]:.1f} "
          f"(1-min average, end of run); client CPU {cpu:.0f} s "
          f"({100 * cpu / wall:.0f}% of one core)")
    print(f"  {'phase':12s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
          f"{'errors':>6s} {'retried':>7s}")
    summary = {}
    for phase in PHASES + ("client",):
        mine = [r for r in records if r[0] == phase]
        if not mine and phase == "client":
            continue
        ms = [r[1] for r in mine if r[1] is not None]
        errors = sum(1 for r in mine if r[1] is None)
        retried = sum(r[2] for r in mine if r[1] is not None)
        summary[phase] = {"n": len(mine), "p50": pct(ms, .5), "p95": pct(ms, .95),
                          "p99": pct(ms, .99), "errors": errors}
        print(f"  {phase:12s} {len(mine):8d} {pct(ms, .5)!s:>8s} {pct(ms, .95)!s:>8s} "
              f"{pct(ms, .99)!s:>8s} {errors:6d} {retried:7d}")
    held = [e["held_at"] for e in entrants if e["held_at"]]
    all_held = (max(held) - got["opens"]) if len(held) == got["n"] else None
    check = got["check"]
    acked = sum(len(e["acked"]) for e in entrants)
    lost = acked - check["answers"]
    expected_pct = {e["user"]: 100 * e["right"] / QUESTIONS_SEEN[0] for e in entrants}
    # an attempt left unsubmitted when the run stopped (--max-extra) is not graded: it is
    # counted below as not submitted, not as graded otherwise
    wrong = [u for u, p in check["percents"].items()
             if u in expected_pct and p is not None and abs(p - expected_pct[u]) > 0.01]
    served = sorted([r["rank"], r["name"], r["score"], r["seconds"]] for r in got["board"])
    equal = served == [list(x) for x in check["expected"]]
    killed = got["killed"]
    print(f"  attempts held {len(held)}/{got['n']}; every attempt held "
          + (f"{all_held:.1f} s after the opening" if all_held is not None else "NEVER")
          + (f"; gunicorn worker {killed[0]} killed {killed[1]} s after the opening"
             if killed and killed[0] else "; no worker killed"))
    submitted = sum(1 for e in entrants if e.get("submitted"))
    print(f"  submitted {submitted}/{got['n']}; answers acknowledged {acked}, stored "
          f"{check['answers']} (lost at least {max(0, lost)}); "
          f"attempts {check['attempts']}, graded {check['graded']}; graded otherwise than "
          f"the acknowledged answers give: {len(wrong)}; standings ({len(served)} rows) "
          f"equal a recomputation: {equal}")
    targets = [
        ("every attempt held within 30 s", all_held is not None and all_held < 30),
        ("start p99 < 1000 ms", (summary["start"]["p99"] or 1e9) < 1000),
        ("autosave p99 < 500 ms", (summary["autosave"]["p99"] or 1e9) < 500),
        ("leaderboard p99 < 500 ms", (summary["leaderboard"]["p99"] or 1e9) < 500),
        ("0 errors after the retry", sum(s["errors"] for s in summary.values()) == 0),
        ("0 answers lost or graded twice", lost <= 0 and not wrong and
         check["graded"] <= check["attempts"] == got["n"]),
        ("every entrant submitted", check["graded"] == got["n"]),
        ("standings equal a recomputation", equal)]
    print("  targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}"
                                   for name, ok in targets))


QUESTIONS_SEEN = [20]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entrants", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0,
                        help="scale of every think time and the poll interval")
    parser.add_argument("--think-range", type=float, nargs=2, default=(5.0, 15.0))
    parser.add_argument("--quick", action="store_true",
                        help="think x0.3, logins over 30 s (about 2 minutes a run)")
    parser.add_argument("--login-spread", type=float, default=120.0,
                        help="seconds over which the entrants log in")
    parser.add_argument("--start-window", type=float, default=20.0)
    parser.add_argument("--poll", type=float, default=10.0, help="leaderboard poll, s")
    parser.add_argument("--boot", type=float, default=20.0,
                        help="seconds allowed for gunicorn to start")
    parser.add_argument("--max-extra", type=float, default=600.0,
                        help="seconds past three times the planned answering after which "
                             "nothing new is sent (an overloaded server) and the run reports")
    parser.add_argument("--procs", type=int, default=2, help="load processes")
    parser.add_argument("--threads", type=int, default=48, help="client threads a process")
    parser.add_argument("--url", help="an already running site (DATABASE_URL = its database)")
    parser.add_argument("--kill-pid", type=int, help="with --url: the worker to kill")
    parser.add_argument("--kill-worker-of", type=int, metavar="MASTER",
                        help="with --url: kill a worker of this gunicorn master, chosen "
                             "when the time comes")
    parser.add_argument("--redis", help="REDIS_URL for the bench's own server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=1,
                        help="threads a gunicorn worker (> 1: gthread, as deploy/ runs it)")
    args = parser.parse_args()
    if args.quick:
        args.think = min(args.think, 0.3)
        args.login_spread = min(args.login_spread, 30.0)
    QUESTIONS_SEEN[0] = args.questions
    url = os.environ.get("DATABASE_URL", "")
    print(f"contest bench, uptime: {os.popen('uptime').read().strip()}")
    if args.url:
        if not url:
            sys.exit("--url needs DATABASE_URL naming the site's database")
        report(run("site " + args.url, url, args))
    elif url.startswith("postgresql"):
        scratch = ScratchPostgres(url, "contest")
        try:
            report(run("PostgreSQL", scratch.url, args))
        finally:
            scratch.drop()
    else:
        folder = tempfile.mkdtemp(prefix="gt-bench-contest-")
        report(run("SQLite", f"sqlite:///{Path(folder) / 'contest.sqlite3'}", args))


if __name__ == "__main__":
    main()
