"""Lighthouse mobile stays >= 0.95 on every category (performance, accessibility, best
practices, SEO) on every page a worker uses, measured on a real gunicorn server with the
demo data (issue 17, "Done when"). Lighthouse 12.2.3 from npm (tests/browser/lighthouse_cli.py,
made by .ci/run) drives Debian's Chromium; a logged-in page gets the worker's session cookie.
"""

import json
import re
import subprocess

import pytest

from tests.browser.conftest import CHROMIUM, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 0.95
PAGES = ("login", "home", "catalogue", "course", "lesson", "practice", "notebook",
         "quiz attempt", "quiz review", "record", "sessions", "scenario play", "competitions",
         "competition round")
# Performance varies from run to run, more so on a busy machine: the simulated phone's CPU
# time is the host's, slowed 4 times, and Lighthouse itself warns that its scores suffer
# when the host's benchmark index is at or below 1000 (a loaded 2-core CI machine measured
# 430 to 1400 from one run to the next). Lighthouse's advice is the median of several
# runs: a page below the minimum is measured RUNS times and judged on the median, and a
# failure names each run's benchmark index.
RUNS = 5


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo server of tests/browser/conftest.py, given longer to stop: after minutes of
    audits on a busy machine gunicorn's graceful stop took more than ten seconds."""
    import subprocess as sp

    from tests.browser.conftest import start_server

    proc, base = start_server(tmp_path_factory.mktemp("lighthouse"))
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except sp.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def lighthouse():
    from tests.browser import lighthouse_cli

    try:
        return lighthouse_cli.ensure()
    except lighthouse_cli.Offline as exc:
        pytest.skip(f"Lighthouse is not installed and cannot be: {exc}")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _first(pattern: str, html: str, what: str) -> str:
    found = re.search(pattern, html)
    assert found, f"the demo data has no {what}"
    return found.group(1)


@pytest.fixture(scope="module")
def worker_pages(live_server):
    """The demo worker's session cookie, and each page's URL (found as a worker finds
    them: a course from the catalogue, a quiz attempt started, a scenario run started)."""
    import requests

    s = requests.Session()
    s.post(live_server + "/login", data={
        "username": "worker", "password": DEMO_PASSWORD,
        "csrf_token": _csrf(s.get(live_server + "/login").text)}).raise_for_status()
    get = lambda path: s.get(live_server + path).text  # noqa: E731

    # a lesson with a picture (the heavier case), else the first course's first lesson
    courses = re.findall(r'href="(/courses/[a-z0-9-]+)"', get("/courses"))
    assert courses, "the demo data has no course"
    course, lesson = courses[0], _first(r'href="(/lessons/\d+)"', get(courses[0]), "lesson")
    for slug in courses:
        found = [link for link in dict.fromkeys(re.findall(r'href="(/lessons/\d+)"', get(slug)))
                 if "<img " in get(link)]
        if found:
            course, lesson = slug, found[0]
            break
    quizzes = get("/quizzes")
    review = _first(r'href="(/attempts/\d+/result)"', quizzes, "graded attempt")
    attempt = None
    for quiz in re.findall(r'href="(/quizzes/\d+)"', quizzes):
        page = get(quiz)
        open_one = re.search(r'href="(/attempts/\d+)"', page)
        if open_one:
            attempt = open_one.group(1)
            break
        if f'action="{quiz}/start"' in page:
            started = s.post(live_server + quiz + "/start",
                             data={"csrf_token": _csrf(page)}, allow_redirects=False)
            if started.status_code == 302 and "/attempts/" in started.headers["Location"]:
                attempt = started.headers["Location"].removeprefix(live_server)
                break
    assert attempt, "no quiz the demo worker can take"
    scenario = _first(r'href="/scenarios/([a-z0-9-]+)"', get("/scenarios"), "scenario")
    run = s.post(f"{live_server}/scenarios/{scenario}/runs",
                 data={"csrf_token": _csrf(get(f"/scenarios/{scenario}"))},
                 allow_redirects=False)
    assert run.status_code == 302, run.text[:500]
    play = None
    for comp in re.findall(r'href="(/competitions/\d+)"', get("/competitions")):
        page = get(comp)
        if f'action="{comp}/enter"' in page:
            s.post(live_server + comp + "/enter", data={"csrf_token": _csrf(page)})
            page = get(comp)
        for start in re.findall(rf'action="({comp}/rounds/\d+/start)"', page):
            started = s.post(live_server + start, data={"csrf_token": _csrf(page)},
                             allow_redirects=False)
            where = started.headers.get("Location", "").removeprefix(live_server)
            if where.endswith("/play") and 'id="quiz-form"' in get(where):
                play = where
                break
        if play:
            break
    assert play, "no open quiz round the demo worker can enter"
    urls = {"login": "/login", "home": "/", "catalogue": "/courses", "course": course,
            "lesson": lesson, "practice": "/practice", "notebook": "/practice/notebook",
            "quiz attempt": attempt, "quiz review": review, "record": "/me/record",
            "sessions": "/my/sessions",
            "scenario play": run.headers["Location"].removeprefix(live_server),
            "competitions": "/competitions", "competition round": play}
    cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.get_dict().items())
    return live_server, cookie, urls


def audit(command: list[str], url: str, cookie: str | None) -> dict:
    args = [*command, url, "--quiet", "--output=json", "--output-path=stdout",
            "--form-factor=mobile", "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
            "--disable-background-networking"]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    done = subprocess.run(args, capture_output=True, text=True, timeout=300,
                          env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin",
                               "HOME": "/tmp"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def shortfalls(report: dict) -> list[str]:
    """Each weighted audit that lost points, to say what to fix."""
    out = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            found = report["audits"][ref["id"]]
            if ref.get("weight") and found.get("score") is not None and found["score"] < 1:
                out.append(f"{name}/{ref['id']} {found['score']} {found.get('displayValue', '')}")
    return out


def scores_of(report: dict) -> dict[str, float | None]:
    return {name: report["categories"][name]["score"] for name in CATEGORIES}


def below(scores: dict) -> dict:
    return {name: score for name, score in scores.items() if score is None or score < MINIMUM}


@pytest.mark.parametrize("page", PAGES)
def test_lighthouse_mobile_scores_at_least_095_in_every_category(lighthouse, worker_pages,
                                                                  page):
    base, cookie, urls = worker_pages
    url = base + urls[page]
    runs = [audit(lighthouse, url, None if page == "login" else cookie)]
    assert runs[0]["finalDisplayedUrl"].startswith(url.split("#")[0]), \
        f"{urls[page]} redirected to {runs[0]['finalDisplayedUrl']}"
    if below(scores_of(runs[0])):
        runs += [audit(lighthouse, url, None if page == "login" else cookie)
                 for _ in range(RUNS - 1)]
    measured = [scores_of(report) for report in runs]
    hosts = [round(report["environment"].get("benchmarkIndex") or 0) for report in runs]
    scores = {name: sorted((m[name] or 0) for m in measured)[len(measured) // 2]
              for name in CATEGORIES}
    print(f"lighthouse {page} {urls[page]}: {scores} (runs: {measured})")
    low = below(scores)
    assert not low, f"{page} ({urls[page]}) scores {low} over {len(runs)} runs " \
                    f"{measured} (host benchmark index {hosts}): " \
                    f"{[shortfalls(report) for report in runs]}"
