"""gunicorn settings read by ``gunicorn wsgi:app`` (gunicorn loads ./gunicorn.conf.py).

Prometheus metrics are counted in every worker (prometheus_client's multiprocess mode):
each worker writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` and a scrape of
``/metrics`` on any worker reads them all. When that variable is not set, a fresh folder
is made for this server; when it is, the folder is emptied at start (samples of a previous
run must not be added to this one's). A worker that exits is marked dead, so that its
live gauges (connections in use) stop counting.
"""

import os
import shutil
import tempfile

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # set before any worker imports the app (and prometheus_client, which reads it then)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gt-prometheus-")


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    else:
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
