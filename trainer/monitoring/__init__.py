"""Monitoring: Prometheus metrics at ``/metrics`` and JSON log lines (``LOG_FORMAT=json``)."""
