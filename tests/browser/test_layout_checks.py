"""The pages with tables, filled with the demo data, on a 390×844 phone: no table cell
narrower than two Chinese characters (one character a line is unreadable), tap targets
of the footer and of forms at least 24×24 px, every id unique on the page."""

import pytest

from tests.browser.test_smoke import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHECKS = """() => {
  const out = {narrow: [], small: [], ids: []};
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  for (const cell of document.querySelectorAll('main th, main td')) {
    if (!visible(cell) || !cell.textContent.trim()) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const w = cell.getBoundingClientRect().width;
    const text = cell.textContent.trim().slice(0, 12);
    if (w + 0.5 < 2 * em) out.narrow.push(`${cell.tagName} «${text}» ${w.toFixed(1)}px`);
  }
  const taps = 'footer a, footer button, form button, form input[type=submit], a.button';
  for (const el of document.querySelectorAll(taps)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const text = el.textContent.trim().slice(0, 12);
    const size = `${r.width.toFixed(0)}×${r.height.toFixed(0)}`;
    if (r.width < 24 || r.height < 24) out.small.push(`${el.tagName} «${text}» ${size}`);
  }
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  out.ids = [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`);
  return out;
}"""


def _check(page, path: str) -> list[str]:
    page.goto(page.base + path)
    page.wait_for_load_state("networkidle")
    found = page.evaluate(CHECKS)
    return [f"{path}: {kind}: {item}" for kind, items in found.items() for item in items]


def _first_link(page, path: str, pattern: str) -> str | None:
    page.goto(page.base + path)
    links = page.eval_on_selector_all(
        f"main a[href*='{pattern}']", "els => els.map(e => new URL(e.href).pathname)")
    return links[0] if links else None


def _tables_present(page) -> int:
    return page.locator("main td").count()


@pytest.mark.parametrize("role,paths", [
    ("worker", ["/me/record", "/my/sessions", "/login"]),
    ("trainer", ["/bank", "/my/sessions"]),
    ("organiser", ["/compliance", "/records/dashboard", "/records/ratings"]),
    ("admin", ["/admin/users", "/admin/org/"]),
])
def test_tables_taps_and_ids_on_a_phone(phone, role, paths):
    login(phone, role)
    problems, cells = [], 0
    for path in paths:
        problems += _check(phone, path)
        cells += _tables_present(phone)
    if role == "organiser":  # a session's roll call and a competition's standings
        for listing, pattern, suffix in (("/my/sessions", "/sessions/", "/rollcall"),
                                         ("/competitions", "/competitions/", "/standings")):
            link = _first_link(phone, listing, pattern)
            if link:
                base = "/".join(link.split("/")[:3])
                problems += _check(phone, base)
                problems += _check(phone, base + suffix)
                cells += _tables_present(phone)
    assert cells > 0, "no table with data was reached: the check proved nothing"
    assert problems == [], "\n".join(problems)
