"""A live development server with the demo data, driven by Debian's Chromium."""

import os
import shutil
import subprocess
import time

import pytest

from tests.server.conftest import BIN, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DEMO_PASSWORD = "Demo-pass-2026"


def pytest_collection_modifyitems(items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="no Chromium installed (apt-get install chromium)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


def start_server(folder):
    """A demo server (content loaded, demo seeded) on a free port: (process, base URL)."""
    from tests.server.conftest import _empty_server_database, free_port

    url = os.environ.get("TEST_SERVER_DATABASE_URL")
    if url:
        _empty_server_database(url)
    env = {**os.environ, "TRAINER_ENV": "development", "SECRET_KEY": "s" * 40,
           "DATABASE_URL": url or f"sqlite:///{folder / 'server.sqlite3'}", "FLASK_APP": "wsgi",
           # the smoke tests open every role's home page with the password alone (the
           # forced enrolment is tested in tests/auth/test_second_factor.py)
           "REQUIRE_SECOND_FACTOR": ""}
    env.pop("REDIS_URL", None)
    for args in (["db", "upgrade"], ["content", "load"],
                 ["demo", "seed", "--password", DEMO_PASSWORD]):
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    proc = serve(env, free_port())
    return proc, f"http://127.0.0.1:{proc.port}"


def serve(env: dict, port: int) -> subprocess.Popen:
    """gunicorn on ``port`` with ``env``, once it answers /healthz. The process keeps
    ``env``, ``port`` and ``database_url`` for restart_server."""
    import requests

    proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    proc.env, proc.port, proc.database_url = env, port, env["DATABASE_URL"]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                break
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the demo server did not start") from None
            time.sleep(0.2)
    return proc


def restart_server(stopped: subprocess.Popen) -> subprocess.Popen:
    """The stopped server again: same port (the browser's origin, so its storage and
    service worker), same database and secret key (so the session cookie still holds)."""
    return serve(stopped.env, stopped.port)


@pytest.fixture(scope="module")
def live_process(tmp_path_factory):
    """One demo server per test module: loading the content and seeding the demo takes tens
    of seconds, and these tests mostly read (and log in). (process, base URL)"""
    proc, base = start_server(tmp_path_factory.mktemp("browser"))
    yield proc, base
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server(live_process):
    return live_process[1]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield browser
        browser.close()


def watched_page(context, base):
    """A new page of ``context`` that records console errors, with ``page.base``."""
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.base = base
    return page


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page that records console errors and requests to other hosts."""
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = watched_page(context, live_server)
    page.foreign_requests = []
    page.on("request", lambda r: r.url.startswith(live_server) or r.url.startswith("data:")
            or page.foreign_requests.append(r.url))
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    """A 1280×900 desktop page (the editor side by side with its graph)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield watched_page(context, live_server)
    context.close()


@pytest.fixture
def screen(browser, live_server):
    """A 1920×1080 page: the venue's projector, an organiser's wide screen."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    yield watched_page(context, live_server)
    context.close()
