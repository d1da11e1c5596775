"""A live development server with the demo data, driven by Debian's Chromium."""

import os
import shutil
import subprocess

import pytest

from tests.server.conftest import BIN, ROOT, server_env, start_server  # noqa: F401

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DEMO_PASSWORD = "Demo-pass-2026"


def pytest_collection_modifyitems(items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="no Chromium installed (apt-get install chromium)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def live_server(server_env, start_server):  # noqa: F811
    env = {**server_env, "TRAINER_ENV": "development"}  # plain-HTTP cookies on loopback
    for args in (["content", "load"], ["demo", "seed", "--password", DEMO_PASSWORD]):
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    return start_server(env, workers=1)


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


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page that records console errors and requests to other hosts."""
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("request", lambda r: r.url.startswith(live_server) or r.url.startswith("data:")
            or page.foreign_requests.append(r.url))
    page.base = live_server
    yield page
    context.close()
