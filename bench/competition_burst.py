"""Competition burst: N entrants start a quiz round at the same second, autosave every
answer and submit, against gunicorn -w 2; one gunicorn worker is killed (SIGKILL) in the
middle of the run. Afterwards: zero errors (a request cut off by the kill is retried, as
the page's script does), zero lost or double-counted answers, every attempt graded once,
and the served standings equal a recomputation from the stored rows.

    .venv/bin/python bench/competition_burst.py [--entrants 200]

Runs on a temporary SQLite file, and on PostgreSQL too when DATABASE_URL names one (in a
scratch database dropped afterwards). The schema comes from the migrations
(bench/competition_setup.py). Loopback only; stdlib client; every loop is bounded.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from common import Server
from leaderboard import ScratchPostgres, setup

QUESTIONS = 20
RETRIES = 6


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ms: list[float] = []
        self.errors = self.retries = 0

    def note(self, ms: float | None, retried: int) -> None:
        with self.lock:
            self.retries += retried
            if ms is None:
                self.errors += 1
            else:
                self.ms.append(ms)


def call(port: int, method: str, path: str, token: str, tally: Tally, body=None):
    """One request, retried on a cut connection or a 5xx; (status, json) of the last try."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for attempt in range(RETRIES):
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            status, payload = resp.status, resp.read()
            conn.close()
        except (OSError, http.client.HTTPException):
            time.sleep(0.2 * (attempt + 1))
            continue
        if status < 500:
            tally.note((time.perf_counter() - started) * 1000, attempt)
            return status, json.loads(payload or b"null")
        time.sleep(0.2 * (attempt + 1))
    tally.note(None, RETRIES)
    return None, None


def entrant(port: int, comp_id: int, n: int, token: str, barrier, tally: Tally, out: dict):
    barrier.wait()
    status, attempt = call(port, "POST", f"/api/v1/competitions/{comp_id}/rounds/1/start",
                           token, tally)
    if status not in (200, 201):
        out[n] = {"error": f"start {status}"}
        return
    right = n % (QUESTIONS + 1)
    acked = 0
    for i, question in enumerate(attempt["questions"]):
        # Options are shuffled and re-keyed per entrant in a round: answer by their text.
        keys = {option["html"]: option["key"] for option in question["options"]}
        answer = keys["对"] if i < right else keys["错"]
        status, saved = call(port, "PUT", f"/api/v1/attempts/{attempt['attempt_id']}/answers/"
                             f"{question['id']}", token, tally, {"answer": answer, "seq": 1})
        acked += status == 200 and saved["answer"] == answer
    status, result = call(port, "POST", f"/api/v1/attempts/{attempt['attempt_id']}/submit",
                          token, tally)
    out[n] = {"acked": acked, "percent": (result or {}).get("percent"),
              "expected": 100 * right / QUESTIONS}


def kill_one_worker(master: int, after: float, done: threading.Event) -> None:
    if done.wait(after):
        return
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                           text=True).stdout.split()
    if found:
        os.kill(int(found[0]), signal.SIGKILL)
        print(f"  killed gunicorn worker {found[0]} after {after} s")


def run(label: str, url: str, entrants: int, kill_after: float) -> None:
    data = setup(url, "burst", entrants)
    env = {**os.environ, "DATABASE_URL": url, "TRAINER_ENV": "production",
           "SECRET_KEY": "b" * 40}
    env.pop("REDIS_URL", None)
    server = Server("wsgi:app", env, workers=2).wait("/healthz")
    tally, results, done = Tally(), {}, threading.Event()
    barrier = threading.Barrier(entrants)
    threads = [threading.Thread(target=entrant, args=(server.port, data["comp_id"], n, token,
                                                      barrier, tally, results))
               for n, token in enumerate(data["tokens"])]
    killer = threading.Thread(target=kill_one_worker, args=(server.proc.pid, kill_after, done))
    started = time.monotonic()
    try:
        killer.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        done.set()
        elapsed = time.monotonic() - started
        status, board = call(server.port, "GET", f"/api/v1/competitions/{data['comp_id']}/"
                             f"leaderboard?limit=200", data["organiser_token"], Tally())
    finally:
        done.set()
        server.stop()
    check = setup(url, "verify", data["comp_id"])
    report(label, entrants, tally, results, board, check, elapsed)


def report(label, entrants, tally, results, board, check, elapsed) -> None:
    ms = sorted(tally.ms)
    p = (lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 1)) if ms else (lambda q: None)
    acked = sum(r.get("acked", 0) for r in results.values())
    wrong = [n for n, r in results.items() if r.get("percent") != r.get("expected")]
    served = sorted([e["rank"], e["name"], e["score"], e["seconds"]] for e in board["entries"])
    print(f"{label}: {entrants} entrants, {len(ms)} requests in {elapsed:.1f} s "
          f"({len(ms) / elapsed:.0f} req/s), p50 {p(0.5)} ms, p99 {p(0.99)} ms")
    print(f"  errors {tally.errors}, retried after the kill {tally.retries}; answers "
          f"acknowledged {acked}, stored {check['answers']} (lost {acked - check['answers']});"
          f" attempts {check['attempts']}, graded once {check['graded']}; results not as "
          f"answered: {len(wrong)}; standings equal a recomputation: "
          f"{served == check['expected']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entrants", type=int, default=200)
    parser.add_argument("--kill-after", type=float, default=2.0)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="gt-bench-burst-")
    run("SQLite", f"sqlite:///{Path(folder) / 'burst.sqlite3'}", args.entrants,
        args.kill_after)
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgresql"):
        scratch = ScratchPostgres(pg, "burst")
        try:
            run("PostgreSQL", scratch.url, args.entrants, args.kill_after)
        finally:
            scratch.drop()
    else:
        print("DATABASE_URL names no PostgreSQL database: the PostgreSQL run is skipped")


if __name__ == "__main__":
    main()
