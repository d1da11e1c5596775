"""Log lines as one JSON object each (``LOG_FORMAT=json``): time, level, logger, message,
and, inside a request, its id (X-Request-Id, echoed in the response), path and status; one
``trainer.request`` line per answered request carries the status and duration.

The formatter reads the request from Flask's context, so any logger under ``trainer``
(the security events, the audit log, unhandled errors) gets the request id for free."""

import json
import logging
import os
import sys
import time

from flask import Flask, current_app, g, has_app_context, has_request_context, request

from trainer.security import request_id

REQUEST_LOG = logging.getLogger("trainer.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            line.update(request_id=request_id(), path=request.path,
                        method=request.method)
        for key in ("status", "duration_ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever ``sys.stderr`` is now (captured in tests)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _start():
    g._log_t0 = time.perf_counter()


def _request_line(response):
    started = g.pop("_log_t0", None)
    if started is not None:
        duration = round((time.perf_counter() - started) * 1000, 1)
        REQUEST_LOG.info("%s %s %s", request.method, request.path, response.status_code,
                         extra={"status": response.status_code, "duration_ms": duration})
    return response


def json_mode() -> bool:
    """Whether log lines are JSON now: the app's ``LOG_FORMAT``, else the environment's."""
    if has_app_context():
        return current_app.config.get("LOG_FORMAT", "") == "json"
    return os.environ.get("LOG_FORMAT", "") == "json"


def _json(_record) -> bool:
    return json_mode()


def _not_json(_record) -> bool:
    return not json_mode()


def _install_handlers() -> None:
    """Once per process: a JSON handler on the ``trainer`` logger that writes only in JSON
    mode, and the security log's plain handler silenced in JSON mode (its records reach
    the JSON handler through ``trainer``). Decided per record, so apps of one process
    (the tests) may differ."""
    root = logging.getLogger("trainer")
    if not any(isinstance(h, StderrHandler) for h in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(_json)
        root.addHandler(handler)
    REQUEST_LOG.setLevel(logging.INFO)
    for handler in logging.getLogger("trainer.security").handlers:
        if _not_json not in handler.filters:
            handler.addFilter(_not_json)


def init_app(app: Flask) -> None:
    """Every ``trainer`` logger writes JSON lines to stderr when ``LOG_FORMAT=json``, and
    each request adds its access line; otherwise nothing changes (the security log's plain
    lines). Call after security.init_app (it adds the security log's handler)."""
    _install_handlers()
    if app.config.get("LOG_FORMAT", "") != "json":
        return
    app.before_request(_start)
    app.after_request(_request_line)
