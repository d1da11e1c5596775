import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from trainer.extensions import db
from trainer.guide.models import LocalContact


@pytest.fixture
def contacts(make_contact):
    return {"s1": make_contact("S1", name="一街派出所", phone="0795-1111111"),
            "s2": make_contact("S2", name="二街派出所", phone="0795-2222222"),
            "s1-property": make_contact("S1", kind="property", name="一街物业")}


@pytest.fixture
def s1_organiser(make_user):
    return make_user("org_s1", role="organiser", unit="S1")


@pytest.fixture
def s2_organiser(make_user):
    return make_user("org_s2", role="organiser", unit="S2")


def rows(app) -> dict[str, int]:
    with app_ctx(app):
        return {c.name: c.street_id for c in db.session.scalars(sa.select(LocalContact))}


def form_post(client, page_url, action, **data):
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def test_a_worker_sees_only_their_streets_contacts(client, auth, users, contacts):
    auth.login("worker")  # a grid of S1
    html = client.get("/guide/contacts").get_data(as_text=True)
    assert "一街派出所" in html and 'href="tel:0795-1111111"' not in html
    assert 'href="tel:07951111111"' in html and "二街派出所" not in html
    assert "添加联系人" not in html and "/edit" not in html
    assert "二街派出所" not in client.get("/guide/contacts?street=S2").get_data(as_text=True)


def test_an_entry_shows_the_callers_street_contacts_of_its_kinds(client, auth, users,
                                                                  contacts, make_entry):
    make_entry(contacts=["police-station"])
    auth.login("worker")
    html = client.get("/guide/gas-smell").get_data(as_text=True)
    assert "一街派出所" in html and "二街派出所" not in html and "一街物业" not in html


def test_a_street_organiser_adds_edits_and_deletes_their_contacts(client, auth, app,
                                                                   s1_organiser, contacts):
    auth.login("org_s1")
    resp = form_post(client, "/guide/contacts/new", "/guide/contacts/new",
                     kind="judicial-office", name="一街司法所", phone="0795-3333333",
                     note="周一到周五")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/guide/contacts?street=S1")
    assert rows(app)["一街司法所"] == rows(app)["一街派出所"]
    edit = f"/guide/contacts/{contacts['s1']}/edit"
    resp = form_post(client, edit, edit, kind="police-station", name="城关派出所", phone="110")
    assert resp.status_code == 302 and "城关派出所" in rows(app)
    delete = f"/guide/contacts/{contacts['s1']}/delete"
    assert form_post(client, "/guide/contacts", delete).status_code == 302
    assert "城关派出所" not in rows(app)


def test_another_streets_organiser_can_neither_see_nor_change_them(client, auth, app,
                                                                   s2_organiser, contacts):
    auth.login("org_s2")
    assert "一街派出所" not in client.get("/guide/contacts?street=S1").get_data(as_text=True)
    edit = f"/guide/contacts/{contacts['s1']}/edit"
    assert client.get(edit).status_code == 404
    token = csrf_from(client.get("/guide/contacts").get_data(as_text=True))
    assert client.post(edit, data={"csrf_token": token, "kind": "other", "name": "改",
                                   "phone": "1"}).status_code == 404
    delete = f"/guide/contacts/{contacts['s1']}/delete"
    assert client.post(delete, data={"csrf_token": token}).status_code == 404
    # asking for street S1 in the form still adds to the organiser's own street
    form_post(client, "/guide/contacts/new", "/guide/contacts/new?street=S1",
              kind="other", name="二街新联系人", phone="1")
    assert rows(app)["二街新联系人"] == rows(app)["二街派出所"]
    assert rows(app)["一街派出所"] != rows(app)["二街派出所"]


def test_a_district_organiser_picks_the_street(client, auth, app, users, contacts):
    auth.login("organiser")  # of the district
    html = client.get("/guide/contacts").get_data(as_text=True)
    assert "选择街道" in html and "一街派出所" not in html
    html = client.get("/guide/contacts?street=S2").get_data(as_text=True)
    assert "二街派出所" in html and "一街派出所" not in html and "添加联系人" in html
    resp = client.get("/guide/contacts/new")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/guide/contacts")
    form_post(client, "/guide/contacts/new?street=S2", "/guide/contacts/new?street=S2",
              kind="property", name="二街物业", phone="2")
    assert rows(app)["二街物业"] == rows(app)["二街派出所"]


def test_workers_and_trainers_may_not_manage_contacts(client, auth, users, contacts):
    for role in ("worker", "trainer"):
        auth.login(role)
        assert client.get("/guide/contacts/new").status_code == 403
        assert client.get(f"/guide/contacts/{contacts['s1']}/edit").status_code == 403
        auth.logout()


def test_a_contact_without_a_name_is_refused_in_chinese(client, auth, s1_organiser, app):
    auth.login("org_s1")
    resp = form_post(client, "/guide/contacts/new", "/guide/contacts/new",
                     kind="police-station", name=" ", phone="110")
    assert resp.status_code == 422 and "该字段是必填字段" in resp.get_data(as_text=True)
    assert rows(app) == {}


def test_district_wide_staff_pick_a_street_on_an_entry(client, auth, users, contacts,
                                                       make_entry):
    make_entry(contacts=["police-station"])
    auth.login("admin")
    html = client.get("/guide/gas-smell").get_data(as_text=True)
    assert "选择街道" in html and "派出所" not in html.split("选择街道", 1)[1]
    html = client.get("/guide/gas-smell?street=S2").get_data(as_text=True)
    assert "二街派出所" in html and "一街派出所" not in html
