"""Shared benchmark plumbing: a prepared database, gunicorn servers, wrk runs.

Loopback only; every run is bounded in time. Ratios compare two servers measured in the
same run on the same machine, never absolute numbers across machines.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepared_env(password: str = "Bench-pass-2026") -> dict:
    """Environment of a production-mode app on a migrated, loaded, seeded database."""
    url = os.environ.get("DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='gt-bench-')}/bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": url, "TRAINER_ENV": "production",
           "SECRET_KEY": "b" * 40, "FLASK_APP": "wsgi"}
    for args in (["db", "upgrade"], ["content", "load"], ["demo", "seed", "--password",
                                                          password]):
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    return env


class Server:
    """gunicorn serving ``app`` on a free loopback port until stopped."""

    def __init__(self, app: str, env: dict, workers: int = 2, cwd: Path = ROOT,
                 threads: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # threads > 1: gthread workers, as deploy/gunicorn.conf.py runs them
        threaded = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else []
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), *threaded, "-b",
             f"127.0.0.1:{self.port}", "--log-level", "warning", app], cwd=cwd, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self, path: str = "/") -> "Server":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urlopen(self.url + path, timeout=5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server for {self.url} did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def wrk(url: str, seconds: int = 10, connections: int = 32, headers: dict | None = None,
        script: str | None = None) -> dict:
    """Run wrk and return requests/second, errors and latency figures."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + \
        (sum(int(x) for x in sock.groups()) if sock else 0)
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    return {"rps": rps, "errors": errors, "p50": _ms(p50), "p99": _ms(p99)}


def _ms(match) -> float | None:
    if not match:
        return None
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}.get(unit, 1)


def interleaved(runs: dict[str, Callable[[], dict]], rounds: int) -> dict[str, dict]:
    """Run each wrk measurement of ``runs`` in turn, ``rounds`` times over (A B C A B C
    ...). The speed of a shared virtual machine drifts by tens of percent within minutes;
    measured in turn, every endpoint sees the same mix of fast and slow spells, so the
    ratios between them hold where back-to-back runs of ten seconds each did not. Per
    name: the mean req/s, the median p50 and p99 of the rounds, the worst p99, the total
    errors and each round's req/s."""
    seen: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            seen[name].append(run())
    out = {}
    for name, got in seen.items():
        p50s = [g["p50"] for g in got if g["p50"] is not None]
        p99s = [g["p99"] for g in got if g["p99"] is not None]
        out[name] = {"rps": sum(g["rps"] for g in got) / len(got),
                     "errors": sum(g["errors"] for g in got),
                     "p50": median(p50s) if p50s else None,
                     "p99": median(p99s) if p99s else None,
                     "p99_worst": max(p99s) if p99s else None,
                     "rounds": [round(g["rps"]) for g in got]}
    return out
