"""Background jobs: a Huey queue (SQLite storage by default, Redis when REDIS_URL is set),
the ``Job`` rows a progress page reads, and ``flask jobs work`` (see queue.py)."""
