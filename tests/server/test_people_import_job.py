"""10,000 people import through the job queue, on a real gunicorn and a real consumer
(`flask jobs work`), while another user logs in again and again: every login answers 200,
the progress page counts the rows, and the initial passwords download once."""

import io
import re
import subprocess
import threading
import time

import openpyxl
import pytest
import requests
import sqlalchemy as sa

from tests.server.conftest import BIN, ROOT

pytestmark = pytest.mark.slow
PASSWORD = "Demo-pass-2026"
ROWS = 10_000


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _login(base: str, username: str) -> requests.Session:
    web = requests.Session()
    page = web.get(base + "/login", timeout=30)
    resp = web.post(base + "/login", data={"csrf_token": _csrf(page.text), "username": username,
                                           "password": PASSWORD}, timeout=30)
    web.last_status = (resp.status_code, resp.url)
    return web


def test_ten_thousand_people_import_while_logins_answer(server_env, start_server, tmp_path):
    env = {**server_env,
           # plain-HTTP cookies for the test's browser (production's are Secure only)
           "TRAINER_ENV": "development", "REQUIRE_SECOND_FACTOR": "",
           "JOBS_QUEUE_FILE": str(tmp_path / "queue.sqlite3"),
           "JOBS_FOLDER": str(tmp_path / "jobs")}
    subprocess.run([str(BIN / "flask"), "demo", "seed", "--password", PASSWORD], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    base = start_server(env, workers=2)
    consumer = subprocess.Popen([str(BIN / "flask"), "jobs", "work", "--workers", "1"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    try:
        admin = _login(base, "admin")
        assert admin.last_status[0] == 200 and "/login" not in admin.last_status[1]
        page = admin.get(base + "/admin/org/people/import", timeout=30)
        body = "姓名,用户名,手机,角色,所属单位编码\n" + "".join(
            f"人员{n},bulk{n:05d},,网格员,S01-C01-G0{1 + n % 3}\n" for n in range(ROWS))
        resp = admin.post(base + "/admin/org/people/import",
                          data={"csrf_token": _csrf(page.text)},
                          files={"file": ("people.csv", body.encode(), "text/csv")},
                          allow_redirects=False, timeout=60)
        assert resp.status_code == 302, resp.text[:500]
        job_page = base + resp.headers["Location"]
        assert re.search(r"/jobs/\d+$", job_page)

        logins, stop = [], threading.Event()

        def log_in_again_and_again():
            while not stop.is_set():
                start = time.monotonic()
                try:
                    status, url = _login(base, "worker").last_status
                except requests.RequestException as exc:
                    status, url = repr(exc), ""
                logins.append((status, "/login" not in url, time.monotonic() - start))

        thread = threading.Thread(target=log_in_again_and_again)
        thread.start()
        seen, state, deadline = set(), {}, time.monotonic() + 900
        try:
            while time.monotonic() < deadline:
                state = admin.get(job_page + ".json", timeout=30).json()
                seen.add(state["done"])
                if state["status"] in ("done", "failed"):
                    break
                time.sleep(0.5)
        finally:
            stop.set()
            thread.join(timeout=60)
        assert state["status"] == "done", state
        assert state["done"] == state["total"] == ROWS and state["error_count"] == 0
        assert len([d for d in seen if 0 < d < ROWS]) >= 2  # progress was seen on the way
        html = admin.get(job_page, timeout=30).text
        assert "已处理 10000 / 10000 行" in html and "已创建 10000 个账号" in html
        sheet = admin.post(job_page + "/result", data={"csrf_token": _csrf(html)}, timeout=60)
        assert sheet.status_code == 200
        rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.values)
        assert len(rows) == ROWS + 1 and rows[1][0] == "bulk00000"
        assert admin.post(job_page + "/result", data={"csrf_token": _csrf(html)},
                          timeout=30).status_code == 404
        slowest = max(took for *_ok, took in logins)
        print(f"{len(logins)} logins during the import, slowest {slowest:.2f} s")
        assert len(logins) >= 5
        assert all(status == 200 and ok for status, ok, _took in logins), logins[:20]
        engine = sa.create_engine(env["DATABASE_URL"])
        with engine.connect() as conn:
            assert conn.scalar(sa.text(
                "SELECT count(*) FROM users WHERE username LIKE 'bulk%'")) == ROWS
        engine.dispose()
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
