"""/metrics under gunicorn -w 2 (issue 20 item 4): every worker's requests are counted,
whichever worker answers the scrape (prometheus_client's multiprocess mode, set up by
gunicorn.conf.py)."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.slow


def healthz_count(base: str) -> float:
    text = requests.get(base + "/metrics", timeout=10).text
    found = re.search(r'gt_http_requests_total\{endpoint="/healthz",method="GET",'
                      r'status="200"\} ([0-9.e+]+)', text)
    return float(found.group(1)) if found else 0.0


def test_two_workers_are_counted_together(server_env, start_server, tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"stale")  # a previous run's: cleared
    env = {**server_env, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    base = start_server(env, workers=2)
    before = healthz_count(base)

    def pids() -> set[str]:
        return {m.group(1) for m in (re.match(r"counter_(\d+)\.db", p.name)
                                     for p in folder.iterdir()) if m}

    sent = 0
    # which worker accepts is the kernel's choice: on a loaded machine one may take a whole
    # burst, so send bursts until both have served (each then has its own file)
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(
                lambda _: requests.get(base + "/healthz", timeout=30).status_code, range(60)))
        assert codes == [200] * 60
        sent += 60
        if len(pids() - {"999999"}) >= 2:
            break
    # any worker may answer a scrape: each sees the sum of both
    assert {healthz_count(base) - before for _ in range(6)} == {sent}
    assert len(pids()) >= 2 and "999999" not in pids()


def test_other_addresses_need_the_token_under_gunicorn(server_env, start_server):
    env = {**server_env, "METRICS_ALLOW": "10.9.9.9", "METRICS_TOKEN": "k" * 32}
    base = start_server(env, workers=1)
    assert requests.get(base + "/metrics", timeout=10).status_code == 404
    ok = requests.get(base + "/metrics", headers={"Authorization": "Bearer " + "k" * 32},
                      timeout=10)
    assert ok.status_code == 200 and "gt_http_requests_total" in ok.text
