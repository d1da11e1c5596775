"""Prometheus metrics (prometheus_client), counted in every gunicorn worker.

With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py sets a fresh one when it is not),
every process writes its samples to files there and a scrape of any worker reads them all
(the client's multiprocess mode; gunicorn.conf.py clears the folder at start and marks
dead workers). Without it (``flask run``, tests) the process's own registry is served.

Per request: two dictionary look-ups and three memory-mapped writes (no database query).
At scrape time: the collectors registered in ``collectors`` (one cheap query each).
"""

import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event

from trainer.registry import Registry

collectors: Registry = Registry(
    "monitoring.collectors",
    "Scrape-time metric families by name: a callable returning prometheus_client metric "
    "families (e.g. GaugeMetricFamily); called on every scrape of /metrics.")

REQUESTS = Counter("gt_http_requests_total", "HTTP requests answered, by route and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("gt_http_request_duration_seconds",
                    "Time to answer a request, by route.", ["endpoint", "method"],
                    buckets=(.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
POOL_CHECKED_OUT = Gauge("gt_db_pool_checked_out",
                         "Database connections in use (all live workers).",
                         multiprocess_mode="livesum")
POOL_SIZE = Gauge("gt_db_pool_size", "Database pool size (all live workers).",
                  multiprocess_mode="livesum")


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or
                os.environ.get("prometheus_multiproc_dir"))


def _start_timer() -> None:
    g._metrics_t0 = time.perf_counter()


def _observe(response):
    started = g.pop("_metrics_t0", None)
    if started is not None:
        rule = request.url_rule
        endpoint = rule.rule if rule is not None else "(unmatched)"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
    return response


def watch_pool(engine) -> None:
    """Count checked-out connections as they come and go (no query at scrape time)."""
    size = getattr(engine.pool, "size", None)
    if callable(size):
        POOL_SIZE.inc(size())

    @event.listens_for(engine, "checkout")
    def _out(*_args):
        POOL_CHECKED_OUT.inc()

    @event.listens_for(engine, "checkin")
    def _in(*_args):
        POOL_CHECKED_OUT.dec()


class _Registered:
    """The families of every registered collector, computed at scrape time."""

    def collect(self):
        for name, collect in collectors.items():
            try:
                yield from collect()
            except Exception:  # noqa: BLE001 - one broken collector must not hide the rest
                failed = GaugeMetricFamily("gt_collector_failed",
                                           "A scrape-time collector raised.", labels=["name"])
                failed.add_metric([name], 1)
                yield failed


class _Own:
    """The process's default registry (single-process mode)."""

    def collect(self):
        from prometheus_client import REGISTRY

        yield from REGISTRY.collect()


def scrape() -> tuple[bytes, str]:
    """The exposition of every worker's samples plus the scrape-time collectors."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        from prometheus_client import multiprocess as mp

        mp.MultiProcessCollector(registry)
    else:
        registry.register(_Own())
    registry.register(_Registered())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
