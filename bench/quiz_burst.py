"""Quiz burst: N workers start a quiz, autosave 20 answers each and submit, against the
app under gunicorn -w 2; then the same while one gunicorn worker is killed mid-run.

Reports the autosave throughput as a ratio to GET /healthz of the same app under the
same load (same client, same connections, same number of requests), p50/p99 latency,
errors, and checks that every acknowledged save is in the graded result exactly once.
Issue 4 targets: ratio >= 0.3, p99 < 150 ms at 64 connections, zero errors, zero lost.

Runs on a temporary SQLite file, and also on PostgreSQL when DATABASE_URL names one (in a
scratch schema that is dropped afterwards). The schema comes from the migrations
(bench/quiz_burst_setup.py).
Loopback only; stdlib only (threads + http.client); every loop is bounded.

    .venv/bin/python bench/quiz_burst.py [--workers 200] [--connections 64]
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import ROOT, Server, interleaved, wrk

RETRIES = 5


class Stats:
    """Latencies and errors of one kind of request, shared by the client threads."""

    def __init__(self):
        self.lock, self.ms, self.errors = threading.Lock(), [], 0

    def add(self, ms: float | None) -> None:
        with self.lock:
            if ms is None:
                self.errors += 1
            else:
                self.ms.append(ms)

    def summary(self, seconds: float) -> dict:
        ms = sorted(self.ms)
        pick = (lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]) if ms else (lambda q: None)
        return {"rps": len(ms) / seconds if seconds else 0.0, "p50": pick(0.5),
                "p99": pick(0.99), "errors": self.errors, "ok": len(ms)}


def call(port: int, method: str, path: str, token: str | None, body=None, stats=None):
    """One request with retries on connection errors and 5xx (as the page's script does).
    Returns (status, json) of the last try; every failed try counts as an error."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, payload = 0, None
    for attempt in range(RETRIES):
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            status, raw = resp.status, resp.read()
            conn.close()
            payload = json.loads(raw) if raw else None
        except (OSError, http.client.HTTPException, ValueError):
            status = 0
        ok = 200 <= status < 300
        if stats is not None:
            stats.add((time.perf_counter() - started) * 1000 if ok else None)
        if ok or 400 <= status < 500:
            return status, payload
        time.sleep(0.1 * 2 ** attempt)
    return status, payload


class Taker:
    """One simulated worker: their token, attempt and acknowledged saves."""

    def __init__(self, token: str):
        self.token, self.attempt, self.acked, self.result = token, None, {}, None

    def answers(self) -> list[tuple[int, object]]:
        """The right answer to every question, with this attempt's option keys."""
        out = []
        for q in self.attempt["questions"]:
            keys = {o["html"]: o["key"] for o in q["options"]}
            out.append((q["id"], {"single": keys.get("甲"),
                                  "multiple": sorted(filter(None, [keys.get("甲"),
                                                                   keys.get("乙")])),
                                  "truefalse": True, "short": "网格",
                                  "numerical": 110}[q["type"]]))
        return out


def run_burst(port: int, setup: dict, connections: int, kill_pid=None) -> dict:
    takers = [Taker(token) for token in setup["tokens"]]
    quiz = setup["quiz_id"]
    starts, saves, submits, health = Stats(), Stats(), Stats(), Stats()
    with ThreadPoolExecutor(connections) as pool:
        jobs = len(takers) * 20
        began = time.perf_counter()
        list(pool.map(lambda _n: call(port, "GET", "/healthz", None, stats=health),
                      range(jobs)))
        health_s = time.perf_counter() - began

        def start(taker):
            status, body = call(port, "POST", f"/api/v1/quizzes/{quiz}/attempts", taker.token,
                                stats=starts)
            taker.attempt = body if status in (200, 201) else None

        list(pool.map(start, takers))
        work = [(t, qid, answer) for t in takers if t.attempt
                for qid, answer in t.answers()]
        work.sort(key=lambda item: item[1])  # interleave the takers, as in a real exam
        done, killed = [0], [False]
        lock = threading.Lock()

        def save(item):
            taker, qid, answer = item
            seq = time.time_ns() // 1000
            path = f"/api/v1/attempts/{taker.attempt['attempt_id']}/answers/{qid}"
            status, body = call(port, "PUT", path, taker.token,
                                {"answer": answer, "seq": seq}, stats=saves)
            if status == 200:
                with lock:
                    taker.acked[qid] = body["answer"]
            with lock:
                done[0] += 1
                due = kill_pid is not None and not killed[0] and done[0] >= len(work) // 3
                killed[0] = killed[0] or due
            if due:
                os.kill(kill_pid(), signal.SIGKILL)

        began = time.perf_counter()
        list(pool.map(save, work))
        save_s = time.perf_counter() - began

        def submit(taker):
            if taker.attempt:
                status, body = call(port, "POST",
                                    f"/api/v1/attempts/{taker.attempt['attempt_id']}/submit",
                                    taker.token, stats=submits)
                taker.result = body if status == 200 else None

        list(pool.map(submit, takers))
    return {"health": health.summary(health_s), "save": saves.summary(save_s),
            "start_errors": starts.errors, "submit_errors": submits.errors,
            **check(takers), "killed": killed[0]}


def check(takers: list[Taker]) -> dict:
    """Every acknowledged save must be in the graded review exactly once."""
    lost = duplicated = ungraded = 0
    for taker in takers:
        if taker.result is None:
            ungraded += 1
            continue
        graded: dict[int, list] = {}
        for item in taker.result["review"]:
            graded.setdefault(item["question_id"], []).append(item["answer"])
        duplicated += sum(len(v) > 1 for v in graded.values())
        lost += sum(graded.get(qid, [None])[0] != answer for qid, answer in taker.acked.items())
    acked = sum(len(t.acked) for t in takers)
    return {"acked": acked, "lost": lost, "duplicated": duplicated, "ungraded": ungraded}


LUA = """
-- Autosaves spread over every (attempt, question) pair; each wrk thread takes its own
-- slice and sends strictly increasing seq numbers, so no save is stale.
local items = {%s}
local n, id = 0, 0
setup = function(thread) id = id + 1; thread:set("tid", id) end
request = function()
  n = n + 1
  local it = items[((n * 2 + tid) %% #items) + 1]
  local body = string.format('{"answer": %%s, "seq": %%d}', it[3], %d + n * 2 + tid)
  return wrk.format("PUT", it[2], {["Authorization"] = "Bearer " .. it[1],
                                    ["Content-Type"] = "application/json"}, body)
end
"""


def lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def run_capacity(port: int, setup: dict, connections: int, seconds: int,
                 rounds: int) -> dict:
    """The autosave endpoint under wrk (a C load generator, so the client costs little of
    the two cores), against /healthz under the same wrk load, on fresh attempts; the two
    measured in turn, ``rounds`` times (common.interleaved)."""
    takers = [Taker(token) for token in setup["tokens"]]
    with ThreadPoolExecutor(16) as pool:
        def start(taker):
            status, body = call(port, "POST", f"/api/v1/quizzes/{setup['quiz_id']}/attempts",
                                taker.token)
            taker.attempt = body if status in (200, 201) else None
        list(pool.map(start, takers))
    items = ", ".join("{" + ", ".join(lua_string(x) for x in item) + "}" for item in (
        (t.token, f"/api/v1/attempts/{t.attempt['attempt_id']}/answers/{qid}",
         json.dumps(answer)) for t in takers if t.attempt for qid, answer in t.answers()))
    folder = Path(tempfile.mkdtemp(prefix="gt-wrk-"))
    base = f"http://127.0.0.1:{port}"

    def saves() -> dict:
        # a script per run, its seq numbers starting from the clock in microseconds: above
        # every seq of the runs before, so no save is stale
        script = folder / f"autosave-{time.time_ns()}.lua"
        script.write_text(LUA % (items, time.time_ns() // 1000), "utf-8")
        return wrk(base + "/", seconds=seconds, connections=connections, script=str(script))

    got = interleaved({"health": lambda: wrk(base + "/healthz", seconds=seconds,
                                             connections=connections),
                       "save": saves}, rounds)
    return {"health": got["health"], "save": got["save"]}


def show_capacity(row: dict) -> None:
    health, save = row["health"], row["save"]
    for name, got, extra in (("GET /healthz", health, ""), ("PUT autosave", save,
                             f"  ratio {save['rps'] / health['rps']:.2f}")):
        print(f"  {name:18s} {got['rps']:8.1f} req/s  p50 {got['p50']} ms  p99 {got['p99']} ms"
              f" (worst round {got['p99_worst']} ms)  errors {got['errors']}  req/s by round "
              f"{got['rounds']}{extra}")


def worker_pid(master: int):
    """A function giving one of gunicorn's worker processes (children of ``master``)."""
    def find() -> int:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    return int(entry.name)
        raise RuntimeError("no gunicorn worker found")
    return find


def scratch_database(workers: int) -> tuple[list[tuple[str, str, dict]], list]:
    """(label, DATABASE_URL, setup) for SQLite and, when configured, PostgreSQL."""
    targets, cleanups = [], []
    folder = tempfile.mkdtemp(prefix="gt-quiz-burst-")
    targets.append(("SQLite", f"sqlite:///{folder}/burst.sqlite3"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        schema = f"bench_{secrets.token_hex(4)}"
        psql(url, f"CREATE SCHEMA {schema}")
        cleanups.append(lambda: psql(url, f"DROP SCHEMA {schema} CASCADE"))
        targets.append(("PostgreSQL", url + ("&" if "?" in url else "?")
                        + f"options=-csearch_path%3D{schema}"))
    prepared = []
    for label, db_url in targets:
        out = Path(folder) / f"{label}.json"
        subprocess.run([sys.executable, str(ROOT / "bench" / "quiz_burst_setup.py"),
                        str(workers), str(out)], env={**os.environ, "DATABASE_URL": db_url},
                       check=True, cwd=ROOT, timeout=600)
        prepared.append((label, db_url, json.loads(out.read_text("utf-8"))))
    return prepared, cleanups


def psql(url: str, statement: str) -> None:
    code = ("import sqlalchemy as sa, sys; e = sa.create_engine(sys.argv[1]); "
            "c = e.connect(); c.execute(sa.text(sys.argv[2])); c.commit()")
    subprocess.run([sys.executable, "-c", code, url, statement], check=True, timeout=60)


def show(row: dict) -> None:
    save, health = row["save"], row["health"]
    ratio = save["rps"] / health["rps"] if health["rps"] else 0
    for name, got, extra in (("GET /healthz", health, ""),
                             ("PUT autosave", save, f"  ratio {ratio:.2f}")):
        p50, p99 = (f"{got[q]:.1f}" if got[q] is not None else "-" for q in ("p50", "p99"))
        print(f"  {name:18s} {got['rps']:8.1f} req/s  p50 {p50} ms  p99 {p99} ms  "
              f"errors {got['errors']}{extra}")
    print(f"  start errors {row['start_errors']}, submit errors {row['submit_errors']}; "
          f"acknowledged saves {row['acked']}, lost {row['lost']}, in the result twice "
          f"{row['duplicated']}, attempts not graded {row['ungraded']}"
          + ("; one worker killed mid-run" if row["killed"] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=3, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=4,
                        help="healthz and the autosave under wrk in turn, this often")
    args = parser.parse_args()
    prepared, cleanups = scratch_database(args.workers)
    try:
        for label, url, setup in prepared:
            env = {**os.environ, "DATABASE_URL": url, "TRAINER_ENV": "production",
                   "SECRET_KEY": "q" * 40, "REDIS_URL": ""}
            server = Server("wsgi:app", env).wait("/healthz")
            try:
                print(f"{label}: {args.workers} workers x 20 answers, "
                      f"{args.connections} connections, gunicorn -w 2")
                show(run_burst(server.port, setup, args.connections))
                print(f"{label}, killing one gunicorn worker a third of the way through:")
                show(run_burst(server.port, setup, args.connections,
                                      kill_pid=worker_pid(server.proc.pid)))
                print(f"{label}, autosave capacity under wrk ({args.connections} connections, "
                      f"{args.rounds} rounds of {args.seconds} s each, in turn):")
                show_capacity(run_capacity(server.port, setup, args.connections,
                                           args.seconds, args.rounds))
            finally:
                server.stop()
    finally:
        for cleanup in cleanups:
            cleanup()


if __name__ == "__main__":
    main()
