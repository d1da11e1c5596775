"""Editing a competition on the web keeps what the API made: a ``quiz_passed`` rule on a
quiz the form would not offer, a ``practice`` rule and times to the second survive an edit
saved unchanged (API create → web edit form → save → API GET equal)."""

from datetime import timedelta
from html.parser import HTMLParser

from tests.competitions.conftest import body
from tests.conftest import bearer
from trainer.models import utcnow


class FormValues(HTMLParser):
    """What a browser submits for the page's form with the given action."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            elif a.get("type") != "submit":
                self.values.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._option = a.get("name"), None
        elif tag == "option" and self._select and ("selected" in a or self._option is None):
            self._option = a.get("value", "")
            if "selected" in a:
                self.values = [(n, v) for n, v in self.values if n != self._select]
                self.values.append((self._select, self._option))
                self._select = None
            elif not any(n == self._select for n, _v in self.values):
                self.values.append((self._select, self._option))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values.append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.values.pop()
            self.values.append((name, value + data.lstrip("\n") if not value else value + data))


def _form(html: str) -> dict:
    parser = FormValues()
    parser.feed(html.split('<form method="post" novalidate', 1)[1].split("</form>", 1)[0].join(
        ["<form ", "</form>"]))
    out: dict = {}
    for name, value in parser.values:
        out.setdefault(name, []).append(value)
    return out


def _stored(app, comp_id: int) -> dict:
    from trainer.competitions.models import Competition
    from trainer.extensions import db

    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        return {key: getattr(comp, key) for key in (
            "eligibility", "starts_at", "ends_at", "freeze_at", "entry_closes_at", "title",
            "honours", "team_by", "team_size", "visibility", "appeal_hours")}


def test_an_api_made_competition_survives_an_unchanged_web_edit(app, client, auth, users,
                                                                  make_quiz):
    quiz_id, _ids = make_quiz(published=True, title="非模块测验")  # not offered by the form
    start = (utcnow() + timedelta(days=3)).replace(microsecond=0, second=17)
    token = bearer(auth.token("organiser"))
    made = client.post("/api/v1/competitions", headers=token, json=body(
        starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2, seconds=29)).isoformat(),
        freeze_at=(start + timedelta(hours=1, seconds=1)).isoformat(),
        eligibility=[{"rule": "quiz_passed", "quiz": quiz_id},
                     {"rule": "practice", "questions": 40, "days": 14}]))
    assert made.status_code == 201, made.get_json()
    comp_id = made.get_json()["id"]
    before = client.get(f"/api/v1/competitions/{comp_id}", headers=token).get_json()
    stored = _stored(app, comp_id)
    auth.login("organiser")
    page = client.get(f"/competitions/{comp_id}/edit").get_data(as_text=True)
    assert 'step="1"' in page and "非模块测验" in page
    data = _form(page)
    assert data["quiz_passed"] == [str(quiz_id)]
    resp = client.post(f"/competitions/{comp_id}/edit", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    after = client.get(f"/api/v1/competitions/{comp_id}", headers=token).get_json()
    assert after == before
    assert _stored(app, comp_id) == stored
    assert stored["eligibility"] == [{"rule": "quiz_passed", "quiz": quiz_id},
                                     {"rule": "practice", "questions": 40, "days": 14}]
    assert stored["starts_at"].second == 17
