"""Every page with a data table, reached with the demo data in it (and a few rows made
here: an import preview, a background export, a started quiz), checked in a real Chromium:

- on a 390×844 phone no table cell is narrower than two Chinese characters (one character
  a line, 正/确/答/案, is unreadable);
- tap targets (footer, buttons, form controls, button links, radios with their labels)
  are at least 24×24 px;
- every id is unique on the page, and the page never scrolls sideways (a wide table,
  a lesson's table too, scrolls inside its own box);
- every SVG chart's text renders at least 12 CSS px (a chart scaled down by its viewBox
  shrinks its text with it);
- every radio and checkbox has an accessible name (a label or aria-label/-labelledby).

The projector and the dashboards are walked at 1920×1080 as well. (Without a CJK font
installed, Chromium draws Chinese as narrow boxes: measured text is narrower than on a
phone, so the size checks err on the strict side.)"""

import re
from urllib.parse import urlparse

import pytest

from tests.browser.test_smoke import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# the demo contests (trainer/competitions/demo.py): published, and open to the demo worker
DISTRICT = "2026年网格员业务知识竞赛（区级）"
STREET_OPEN = "秀江街道服务技能竞赛"

CHECKS = """() => {
  const out = {narrow: [], small: [], ids: [], chart: [], unlabelled: [], overflow: []};
  const seen = {cells: 0, texts: 0, toggles: 0};
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const say = el => (el.textContent || el.value || el.name || '').trim().slice(0, 12);
  for (const cell of document.querySelectorAll('main th, main td')) {
    if (!visible(cell) || !cell.textContent.trim()) continue;
    seen.cells += 1;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const w = cell.getBoundingClientRect().width;
    if (w + 0.5 < 2 * em) out.narrow.push(`${cell.tagName} «${say(cell)}» ${w.toFixed(1)}px`);
  }
  const taps = ['footer a', 'footer button', 'nav a', 'nav summary', '.topbar a', 'form button',
                'form input[type=submit]',
                'a.button', 'main button', 'main select', 'main summary'].join(', ');
  const small = (el, r) => {
    const size = `${r.width.toFixed(0)}×${r.height.toFixed(0)}`;
    if (r.width < 24 || r.height < 24) out.small.push(`${el.tagName} «${say(el)}» ${size}`);
  };
  for (const el of document.querySelectorAll(taps)) {
    if (visible(el)) small(el, el.getBoundingClientRect());
  }
  // A radio or checkbox is tapped through its label too: the target is the larger box.
  for (const el of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    if (!visible(el)) continue;
    seen.toggles += 1;
    const named = el.labels.length > 0 || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    const text = [...el.labels].map(l => l.textContent.trim()).join('');
    if (!named || (el.labels.length && !text && !el.getAttribute('aria-label')))
      out.unlabelled.push(`${el.type} ${el.name}=${el.value}`);
    let box = el.getBoundingClientRect();
    for (const label of el.labels) {
      const r = label.getBoundingClientRect();
      if (r.width * r.height > box.width * box.height) box = r;
    }
    small(el, box);
  }
  for (const text of document.querySelectorAll('svg text')) {
    if (!visible(text) || !text.textContent.trim()) continue;
    seen.texts += 1;
    const m = text.getScreenCTM();
    const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    if (px < 11.95) out.chart.push(`«${say(text)}» ${px.toFixed(1)}px`);
  }
  // A wide table scrolls inside its own box: the page itself never scrolls sideways.
  const wide = document.documentElement.scrollWidth;
  if (wide > window.innerWidth) out.overflow = [`page ${wide}px wide in ${window.innerWidth}px`];
  const ids = new Map();
  for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  out.ids = [...ids].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`);
  return {out, seen};
}"""


class Walk:
    """The problems found and what was measured over a series of pages."""

    def __init__(self, page):
        self.page, self.problems = page, []
        self.cells = self.texts = self.toggles = 0
        self.empty = []  # pages expected to show table rows that showed none

    def check(self, path: str | None = None, rows: bool = False, label: str = "") -> None:
        page = self.page
        if path is not None:
            response = page.goto(page.base + path)
            assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        where = path or label or page.url
        found = page.evaluate(CHECKS)
        self.problems += [f"{where}: {kind}: {item}"
                          for kind, items in found["out"].items() for item in items]
        self.cells += found["seen"]["cells"]
        self.texts += found["seen"]["texts"]
        self.toggles += found["seen"]["toggles"]
        if rows and page.locator("main tbody td").count() < 2:
            self.empty.append(where)

    def links(self, path: str, pattern: str) -> list[str]:
        """The paths of the links in `path`'s main content that fully match `pattern`."""
        self.page.goto(self.page.base + path)
        found = self.page.eval_on_selector_all(
            "main a[href]", "els => els.map(e => new URL(e.href).pathname)")
        return [link for link in dict.fromkeys(found) if re.fullmatch(pattern, link)]

    def first(self, path: str, pattern: str) -> str:
        found = self.links(path, pattern)
        assert found, f"no link like {pattern} on {path}"
        return found[0]

    def verdict(self) -> None:
        assert self.cells > 0, "no table with data was reached: the check proved nothing"
        assert self.empty == [], f"tables without rows (the check proved nothing): {self.empty}"
        assert self.problems == [], "\n".join(self.problems)


def _district_contest(walk: Walk) -> str:
    """The published district contest of the demo: results, judges' sheets, honours."""
    page = walk.page
    page.goto(page.base + "/competitions")
    link = page.locator("main a", has_text=DISTRICT).first.get_attribute("href")
    return "/" + link.split("/", 3)[-1] if link.startswith("http") else link


def play_open_contest(walk: Walk) -> str:
    """The demo worker enters the open street contest and opens its quiz round (its
    options are radios and checkboxes); the contest's path."""
    page = walk.page
    page.goto(page.base + "/competitions")
    page.locator("main a", has_text=STREET_OPEN).first.click()
    page.wait_for_load_state("networkidle")
    contest = urlparse(page.url).path
    for button in ("form[action$='/enter'] button", "form[action$='/rounds/1/start'] button"):
        if page.locator(button).count():
            page.click(button)
            page.wait_for_load_state("networkidle")
    walk.check(contest + "/rounds/1/play")
    return contest


def leave_the_round(page) -> None:
    """Switch away from the round's page as a phone does (the page becomes hidden): the
    page's own script reports it, and the organisers' integrity table gets a row."""
    page.evaluate("""() => {
      Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
      document.dispatchEvent(new Event('visibilitychange'));
    }""")
    page.wait_for_timeout(500)


def walk_worker(walk: Walk) -> None:
    for path in ("/me/record", "/my/sessions", "/quizzes", "/practice"):
        walk.check(path, rows=True)
    for path in ("/login", "/practice/notebook", "/my/assignments", "/runs", "/scenarios",
                 "/competitions", "/me/data", "/notifications"):
        walk.check(path)
    walk.check(walk.first("/practice", r"/attempts/\d+/result"))  # the graded review
    comp = _district_contest(walk)
    walk.check(comp)
    walk.check(comp + "/standings", rows=True)
    review = walk.links(comp, r".*/review")
    if review:
        walk.check(review[0])
    walk.check(walk.first("/runs", r"/runs/\d+"))  # a finished run and its path chart
    # a lesson with a Markdown table (it scrolls inside its own box)
    walk.check(walk.first("/courses/environment-patrol", r"/lessons/\d+"), rows=True)
    for session in walk.links("/my/sessions", r"/sessions/\d+")[:4]:  # feedback radios
        walk.check(session)
    play_open_contest(walk)
    # A quiz taken now: its options are radios and checkboxes with labels.
    page = walk.page
    page.goto(page.base + walk.first("/quizzes", r"/quizzes/\d+"))
    start = page.locator("main form button[type=submit]")
    if start.count():
        start.first.click()
        page.wait_for_load_state("networkidle")
    walk.check(label="a quiz attempt")


def walk_trainer(walk: Walk) -> None:
    for path in ("/quizzes", "/author/courses", "/author/scenarios", "/my/sessions"):
        walk.check(path, rows=True)
    for path in ("/bank", "/bank/import", "/jobs/"):
        walk.check(path)
    walk.check(walk.first("/bank", r"/bank/\d+"))
    build = walk.first("/author/scenarios", r"/author/scenarios/[^/]+/build")
    walk.check(build)  # the scenario graph
    walk.check(walk.first(build, r"/author/scenarios/[^/]+/nodes/[^/]+"))  # a node's form
    walk.check(build.removesuffix("/build"))
    judge = walk.first(_district_contest(walk), r"/competitions/\d+/rounds/\d+/judge")
    walk.check(judge, rows=False)  # the judge's list of entrants
    walk.check(walk.first(judge, re.escape(judge) + r"/\d+"))  # a judge's score sheet


def walk_import_preview(walk: Walk) -> None:
    """The question import preview with a problem table and a skipped-questions table."""
    page = walk.page
    files = {
        "坏题.gift": "::坏题::题干没有答案 {=甲 ~乙\n\n::好题::网格员入户先亮明身份。 {TRUE}\n",
        "作文.gift": ("::好题::网格员入户先亮明身份。 {TRUE}\n\n"
                    "::作文::请写一段入户走访的开场白。 {}\n"),
    }
    for name, text in files.items():
        page.goto(page.base + "/bank/import")
        page.set_input_files("input[type=file]", files=[{
            "name": name, "mimeType": "text/plain", "buffer": text.encode()}])
        page.click("form[enctype] button[type=submit]")
        walk.check(rows=True, label=f"import preview of {name}")


def walk_organiser(walk: Walk) -> None:
    for path in ("/records/dashboard", "/records/ratings", "/records/assessment/rule",
                 "/plans", "/assignments", "/my/sessions"):
        walk.check(path, rows=True)
    for path in ("/compliance", "/competitions", "/notifications"):
        walk.check(path)
    walk.check(walk.first("/records/dashboard", r"/records/workers/\d+"), rows=True)
    walk.check(walk.first("/records/ratings", r"/records/ratings/\d+"))  # rating radios
    plan = walk.first("/plans", r"/plans/\d+")
    walk.check(plan)
    session = walk.first(plan, r"/sessions/\d+")
    walk.check(session)
    walk.check(session + "/rollcall", rows=True)
    # the forms with the audience tree and the pickers: many checkboxes
    for path in (plan + "/sessions/new", "/assignments/new", "/competitions/new"):
        walk.check(path)
    assignment = walk.first("/assignments", r"/assignments/\d+")
    walk.check(assignment, rows=True)
    comp = _district_contest(walk)
    for suffix in ("/manage", "/appeals", "/publish", "/integrity", "/standings", "/dashboard",
                   "/audit"):
        walk.check(comp + suffix, rows=suffix in ("/standings", "/dashboard", "/audit"))
    for link in walk.links("/competitions", r"/competitions/\d+/manage"):
        if not link.startswith(comp + "/"):  # the open contests: their rounds, publishing
            walk.check(link)
            walk.check(link.removesuffix("/manage") + "/publish")
    walk.check(walk.first("/quizzes", r"/quizzes/\d+") + "/results", rows=True)
    results = [f"{s}/results" for s in walk.links("/scenarios", r"/scenarios/[^/]+")][:1]
    for link in results:
        walk.check(link, rows=True)  # the scenario's results and its charts
    # a whole district's export runs on the job queue: its progress page, then the list
    page = walk.page
    page.goto(page.base + "/records/dashboard")
    page.click("form[action*='/records/export'] button[type=submit]")
    walk.check(label="a background export's progress")
    walk.check("/jobs/")


def walk_admin(walk: Walk) -> None:
    for path in ("/admin/users", "/admin/audit"):
        walk.check(path, rows=path == "/admin/users")
    for path in ("/admin/org/", "/admin/erasures/bulk", "/jobs/",
                 "/admin/users/new"):
        walk.check(path)
    walk.check(walk.first("/admin/org/", r"/admin/org/units/\d+"))
    users = walk.links("/admin/users", r"/admin/users/\d+")
    walk.check(users[0])
    # an erasure at the person's request fills the erasure ledger
    page = walk.page
    walk.check(users[-1] + "/erase")
    page.fill("input[name=reason]", "本人申请删除")
    page.check("input[name=confirm]")
    page.click("form[action$='/erase'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    walk.check("/admin/erasures", rows=True)


WALKS = {"worker": walk_worker, "trainer": walk_trainer, "organiser": walk_organiser,
         "admin": walk_admin}


@pytest.mark.parametrize("role", list(WALKS))
def test_tables_charts_labels_taps_and_ids_on_a_phone(phone, role):
    login(phone, role)
    walk = Walk(phone)
    WALKS[role](walk)
    if role == "organiser":  # the integrity flags of a contest a worker left mid-round
        context = phone.context.browser.new_context(viewport={"width": 390, "height": 844})
        worker = Walk(context.new_page())
        worker.page.base = phone.base
        login(worker.page, "worker")
        contest = play_open_contest(worker)
        leave_the_round(worker.page)
        context.close()
        walk.check(contest + "/integrity", rows=True)
    if role == "trainer":
        walk_import_preview(walk)
    walk.verdict()
    if role in ("worker", "organiser"):
        assert walk.toggles > 0, "no radio or checkbox was reached"
    if role == "organiser":
        assert walk.texts > 0, "no chart text was measured"


def test_projector_and_dashboards_at_1920(screen):
    page = screen
    login(page, "organiser")
    walk = Walk(page)
    comp = _district_contest(walk)
    for path in ("/records/dashboard", comp + "/dashboard", comp + "/standings",
                 "/records/ratings", "/compliance", comp + "/projector"):
        walk.check(path, rows=path.endswith(("/dashboard", "/standings", "/ratings")))
    results = [f"{s}/results" for s in walk.links("/scenarios", r"/scenarios/[^/]+")][:1]
    for link in results:
        walk.check(link)
    walk.verdict()
    assert walk.texts > 0, "no chart text was measured"
