"""Login throttling holds across gunicorn workers and across separate server processes."""

import subprocess

import pytest
import requests

from tests.server.conftest import BIN, ROOT

pytestmark = pytest.mark.slow


def test_lockout_is_shared_by_every_worker_and_process(server_env, start_server):
    subprocess.run([str(BIN / "flask"), "users", "create", "chief", "--role", "admin",
                    "--password", "Right-pass-2026"], cwd=ROOT, env=server_env, check=True,
                   capture_output=True)
    first = start_server(server_env, workers=2)
    second = start_server(server_env, workers=2)
    for _ in range(5):
        # A new connection per request, so the kernel spreads them over both workers.
        resp = requests.post(first + "/api/v1/tokens",
                             json={"username": "chief", "password": "Wrong-pass-2026"},
                             headers={"Connection": "close"}, timeout=10)
        assert resp.status_code == 401
    refused = requests.post(second + "/api/v1/tokens",
                            json={"username": "chief", "password": "Right-pass-2026"},
                            timeout=10)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    other = requests.post(first + "/api/v1/tokens",
                          json={"username": "nobody", "password": "Wrong-pass-2026"},
                          timeout=10)
    assert other.status_code == 401  # the address is not yet throttled, only the account


def test_healthz_answers_in_production_mode(server_env, start_server):
    base = start_server(server_env, workers=1)
    resp = requests.get(base + "/healthz", timeout=5)
    assert resp.json() == {"status": "ok"}
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
