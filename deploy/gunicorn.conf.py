"""gunicorn settings for Grid Trainer (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every value can be overridden on the command line or by the GUNICORN_* variables below, so
the same file serves one host and several (deploy/README.md). The app is behind nginx.
"""

import multiprocessing
import os
import runpy
from pathlib import Path

# Prometheus multiprocess mode: the hooks of the checkout's ./gunicorn.conf.py (which
# `gunicorn wsgi:app` reads by itself; `-c` reads this file instead). Running it sets
# PROMETHEUS_MULTIPROC_DIR when unset (a fresh folder); under systemd the unit sets it.
_metrics = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
on_starting = _metrics["on_starting"]
child_exit = _metrics["child_exit"]

# Loopback only: nginx on this machine, or on another one through a private address
# (GUNICORN_BIND=10.0.0.11:8000). Never the public interface: nginx serves TLS and /static/.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Processes, each with a few threads: requests mostly wait for PostgreSQL and Redis.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"

# A request that takes longer is stuck: imports of thousands of rows run on the job queue
# (flask jobs work), not in a request. nginx's proxy_read_timeout is a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then (slow leaks), not all at once. Not too often: a contest
# morning brings each worker 2,000 requests in well under a minute, and every restart
# costs a second or two of a core to build the app again. With 2,000 here, two instances
# restarted workers 32 times in one 2,000-entrant contest and its p99s tripled (start
# 4.0 s); with 20,000, twice, and every target was met (bench/README.md, "Several hosts").
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = 2000

# X-Forwarded-* are believed only from the proxy's address. The app reads the client's
# address through PROXY_COUNT (ProxyFix, trainer/security.py): set PROXY_COUNT=1 behind one
# nginx. With nginx on another machine, list its address here (GUNICORN_FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stderr: the journal under systemd (journalctl -u grid-trainer).
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# Each worker builds the app itself: no database pool or Redis connection is ever shared
# across a fork.
preload_app = False
