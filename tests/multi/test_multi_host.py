"""What must be shared between hosts is shared: two gunicorn instances (own ports, own
instance folders) behind nginx, one PostgreSQL, one Redis, one job consumer (conftest.py)."""

import re
import time

import pytest
import requests
import sqlalchemy as sa

from tests.multi.conftest import PASSWORD

pytestmark = pytest.mark.slow
T = 30  # request timeout, seconds


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _login(base: str, username: str) -> requests.Session:
    web = requests.Session()
    page = web.get(base + "/login", timeout=T)
    resp = web.post(base + "/login", data={"csrf_token": _csrf(page.text),
                                           "username": username, "password": PASSWORD},
                    timeout=T)
    assert resp.status_code == 200 and "/login" not in resp.url, resp.text[:300]
    return web


def _signed_in(web: requests.Session, base: str) -> bool:
    resp = web.get(base + "/", allow_redirects=False, timeout=T)
    assert resp.status_code in (200, 302), resp.status_code
    return resp.status_code == 200


def _token(base: str, username: str) -> dict:
    resp = requests.post(base + "/api/v1/tokens",
                         json={"username": username, "password": PASSWORD}, timeout=T)
    assert resp.status_code == 201, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_nginx_spreads_requests_over_both_instances_and_serves_static_files(cluster):
    upstreams = {requests.get(cluster.front + "/healthz", timeout=T).headers["X-Upstream"]
                 for _ in range(4)}
    ports = {cluster.a.rsplit(":", 1)[1], cluster.b.rsplit(":", 1)[1]}
    assert {u.rsplit(":", 1)[1] for u in upstreams} == ports
    css = requests.get(cluster.front + "/static/css/site.css", timeout=T)
    assert css.status_code == 200 and "X-Upstream" not in css.headers  # nginx, not the app
    assert "max-age=2592000" in css.headers["Cache-Control"]
    # deploy/gunicorn.conf.py keeps the Prometheus multiprocess hooks: each host's /metrics
    # answers its scraper (loopback), and nginx keeps it off the round-robin.
    metrics = requests.get(cluster.a + "/metrics", timeout=T)
    assert metrics.status_code == 200 and "# TYPE" in metrics.text
    assert requests.get(cluster.front + "/metrics", timeout=T).status_code == 404


def test_login_throttling_is_shared(cluster):
    # Five failures spread over both hosts lock the account on either, and through nginx.
    for base in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a):
        resp = requests.post(base + "/api/v1/tokens",
                             json={"username": "locked", "password": "Wrong-pass-2026"},
                             timeout=T)
        assert resp.status_code == 401, resp.text
    for base in (cluster.b, cluster.front):
        refused = requests.post(base + "/api/v1/tokens",
                                json={"username": "locked", "password": PASSWORD}, timeout=T)
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"]["code"] == "throttled"
    web = requests.Session()
    page = web.get(cluster.b + "/login", timeout=T)
    resp = web.post(cluster.b + "/login", data={"csrf_token": _csrf(page.text),
                                                "username": "locked", "password": PASSWORD},
                    timeout=T)
    assert "/login" in resp.url  # the web form is refused too


def test_logout_on_one_host_ends_the_session_on_the_other_at_once(cluster):
    web = _login(cluster.a, "worker2")
    assert _signed_in(web, cluster.b) and _signed_in(web, cluster.front)
    stolen = dict(web.cookies)  # a copy of the cookie, replayed after the logout
    page = web.get(cluster.a + "/logout", timeout=T)
    resp = web.post(cluster.a + "/logout", data={"csrf_token": _csrf(page.text)}, timeout=T)
    assert resp.status_code == 200
    replay = requests.Session()
    replay.cookies.update(stolen)
    assert not _signed_in(replay, cluster.b)
    assert not _signed_in(replay, cluster.front)


def test_a_token_revoked_on_one_host_fails_on_the_other(cluster):
    headers = _token(cluster.a, "worker2")
    assert requests.get(cluster.b + "/api/v1/me", headers=headers, timeout=T).status_code == 200
    assert requests.delete(cluster.a + "/api/v1/tokens", headers=headers,
                           timeout=T).status_code == 204
    for base in (cluster.b, cluster.front, cluster.front):
        assert requests.get(base + "/api/v1/me", headers=headers, timeout=T).status_code == 401


def test_a_score_given_on_one_host_shows_on_the_others_standings(cluster):
    comp = cluster.seeded["competition"]
    worker, judge = _token(cluster.a, "worker"), _token(cluster.a, "trainer")
    organiser = _token(cluster.b, "organiser")
    board = f"/api/v1/competitions/{comp}/leaderboard"

    def table(base):
        resp = requests.get(base + board, headers=organiser, timeout=T)
        assert resp.status_code == 200, resp.text
        return [(row["name"], row["score"]) for row in resp.json()["entries"]]

    assert table(cluster.b) == []  # B caches the empty page
    resp = requests.post(f"{cluster.a}/api/v1/competitions/{comp}/entries", headers=worker,
                         timeout=T)
    assert resp.status_code == 201, resp.text
    # B's page cache lives COMPETITION_BOARD_CACHE_SECONDS (1 s here, board.py); after it
    # B reads the shared standings (Redis sorted sets, else SQL), never its own copy.
    time.sleep(1.2)
    assert table(cluster.b) == [("网格员worker", 0.0)]
    resp = requests.put(f"{cluster.a}/api/v1/competitions/{comp}/rounds/1/scores/worker",
                        headers=judge, json={"criteria": {"沟通": 8, "方案": 7}}, timeout=T)
    assert resp.status_code == 200, resp.text
    time.sleep(1.2)
    scored = table(cluster.b)
    assert len(scored) == 1 and scored[0][1] > 0
    assert table(cluster.front) == scored == table(cluster.a)
    me = requests.get(cluster.b + board, headers=worker, timeout=T).json()["me"]
    assert me["rank"] == 1 and me["score"] == scored[0][1]


def test_a_sign_in_code_shown_on_one_host_is_accepted_on_the_other(cluster):
    session = cluster.seeded["session"]
    shown = requests.get(f"{cluster.a}/api/v1/sessions/{session}/checkin-code",
                         headers=_token(cluster.a, "trainer"), timeout=T)
    assert shown.status_code == 200, shown.text
    code = shown.json()["code"]
    worker = _token(cluster.b, "worker")
    wrong = requests.post(f"{cluster.b}/api/v1/sessions/{session}/checkin", headers=worker,
                          json={"code": "000000" if code != "000000" else "111111"}, timeout=T)
    assert wrong.status_code in (400, 409, 422)
    resp = requests.post(f"{cluster.b}/api/v1/sessions/{session}/checkin", headers=worker,
                         json={"code": code}, timeout=T)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "present"


def test_a_job_started_on_one_host_runs_once_and_shows_on_the_other(cluster):
    admin = _login(cluster.a, "admin")
    page = admin.get(cluster.a + "/admin/org/people/import", timeout=T)
    body = "姓名,用户名,手机,角色,所属单位编码\n" + "".join(
        f"人员{n},multi{n},,网格员,S1-C1-G1\n" for n in range(3))
    resp = admin.post(cluster.a + "/admin/org/people/import",
                      data={"csrf_token": _csrf(page.text)},
                      files={"file": ("people.csv", body.encode(), "text/csv")},
                      allow_redirects=False, timeout=T)
    assert resp.status_code == 302, resp.text[:500]
    path = resp.headers["Location"]
    assert re.search(r"/jobs/\d+$", path)
    state, deadline = {}, time.monotonic() + 120
    while time.monotonic() < deadline:
        state = admin.get(cluster.b + path + ".json", timeout=T).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert state["status"] == "done", state
    assert state["done"] == state["total"] == 3 and state["error_count"] == 0
    html = admin.get(cluster.front + path, timeout=T).text
    assert "已创建 3 个账号" in html
    # The upload went to the shared JOBS_FOLDER, not to either host's instance folder.
    assert not (cluster.tmp / "instance-0" / "jobs").exists()
    engine = sa.create_engine(cluster.env["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.scalar(sa.text(
            "SELECT count(*) FROM users WHERE username LIKE 'multi%'")) == 3  # once, not twice
    engine.dispose()
