"""deploy/prometheus-alerts.yml names metrics the app exports (a renamed metric would
silently disable its alert)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_alert_reads_metrics_that_exist(client):
    rules = yaml.safe_load((ROOT / "deploy/prometheus-alerts.yml").read_text(encoding="utf-8"))
    alerts = {r["alert"]: r["expr"] for g in rules["groups"] for r in g["rules"]}
    for needed in ("HighErrorRate", "SlowRequests", "JobBacklog", "DiskSpaceLow"):
        assert f"GridTrainer{needed}" in alerts
    client.get("/login")
    exposed = client.get("/metrics").get_data(as_text=True)
    for expr in alerts.values():
        for name in re.findall(r"\bgt_[a-z_]+", expr):
            assert re.search(rf"^{name}[{{ ]", exposed, re.M), name
