import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.org import services
from trainer.org.models import Unit


def _unit(code):
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


@pytest.mark.usefixtures("db_ctx")
def test_units_carry_path_and_street(app, org):
    grid = _unit("S1-C1-G1")
    assert grid.street_id == _unit("S1").id
    assert grid.path == f"/{org.ids['D']}/{org.ids['S1']}/{org.ids['S1-C1']}/{grid.id}/"


@pytest.mark.usefixtures("db_ctx")
def test_level_must_sit_under_level_above(app, org):
    import pytest

    from trainer.errors import Invalid

    with pytest.raises(Invalid):
        services.create_unit("X", "x", "grid", _unit("S1"))
    with pytest.raises(Invalid):
        services.create_unit("S1", "dup", "street", _unit("D"))


@pytest.mark.usefixtures("db_ctx")
def test_moving_community_moves_its_grids_to_the_new_street(app, org):
    services.move_unit(_unit("S1-C1"), _unit("S2"))
    db.session.commit()
    grid = _unit("S1-C1-G2")
    assert grid.street_id == _unit("S2").id
    assert grid.path.startswith(_unit("S2").path)


@pytest.mark.usefixtures("db_ctx")
def test_deactivating_unit_deactivates_subtree(app, org):
    services.set_unit_active(_unit("S1"), False)
    db.session.commit()
    assert not _unit("S1-C1-G1").active
    assert _unit("S2-C1-G1").active


def test_admin_creates_renames_and_moves_units_in_browser(client, auth, users):
    auth.login("admin")
    resp = auth.post("/admin/org/units", {"code": "S1-C2", "name": "新社区", "level": "community",
                                          "parent": "S1"}, page="/admin/org/")
    assert resp.status_code == 302
    html = client.get("/admin/org/?q=新社").get_data(as_text=True)
    assert "新社区" in html and "S1街道" in html  # found, with the path to it
    top = client.get("/admin/org/").get_data(as_text=True)
    assert "新社区" not in top.split("org-tree", 1)[1].split("</ul>", 1)[0]  # folded


def test_the_organisation_page_stays_bounded_for_a_city(app, client, auth, users):
    """~2,000 grids under one community: the top shows only the top, a level shows 50 a
    page, a search finds one grid with its path."""
    import re

    from trainer.org.models import Unit

    with app.app_context():
        comm = db.session.scalar(sa.select(Unit).where(Unit.code == "S1-C1"))
        grids = [Unit(code=f"S1-C1-X{i:04d}", name=f"大网格{i:04d}", level="grid",
                      parent_id=comm.id, street_id=comm.street_id,
                      district_id=comm.district_id, path="/") for i in range(2000)]
        db.session.add_all(grids)
        db.session.flush()
        for g in grids:
            g.path = f"{comm.path}{g.id}/"
        db.session.commit()
        comm_id = comm.id
    auth.login("admin")
    top = client.get("/admin/org/").get_data(as_text=True)
    assert "大网格" not in top and len(re.findall(r"/admin/org/units/\d+", top)) < 10
    level = client.get(f"/admin/org/?under={comm_id}").get_data(as_text=True)
    assert len(re.findall(r"/admin/org/units/\d+", level)) == 50 and "page=2" in level
    found = client.get("/admin/org/?q=大网格1234").get_data(as_text=True)
    assert "大网格1234" in found and "S1社区" in found
    assert len(re.findall(r"/admin/org/units/\d+", found)) == 1


def test_bad_unit_form_changes_nothing(app, client, auth, users):
    auth.login("admin")
    auth.post("/admin/org/units", {"code": "S9", "name": "x", "level": "street",
                                   "parent": "NOPE"}, page="/admin/org/")
    with app.app_context():
        assert _unit("S9") is None
    html = client.get("/admin/org/").get_data(as_text=True)
    assert "请从列表中选择上级单位；未做任何更改。" in html


def test_admin_renames_moves_and_deactivates_units_in_browser(app, client, auth, users, org):
    auth.login("admin")
    page = f"/admin/org/units/{org.ids['S1-C1']}"
    assert auth.post(page, {"name": "改名社区"}).status_code == 302
    resp = auth.post(f"{page}/move", {"parent": "S2"}, page=page)
    assert resp.status_code == 302
    resp = auth.post(f"{page}/move", {"parent": "NOPE"}, page=page, follow_redirects=True)
    assert "请从列表中选择上级单位" in resp.get_data(as_text=True)
    auth.post(f"{page}/active", page=page)
    with app.app_context():
        community, grid = _unit("S1-C1"), _unit("S1-C1-G1")
        assert community.name == "改名社区" and community.street_id == _unit("S2").id
        assert not community.active and not grid.active
    assert "改名社区" in client.get(page).get_data(as_text=True)


def test_the_parent_is_chosen_by_its_chinese_path_and_the_code_is_optional(app, client,
                                                                          auth, users, org):
    import re

    auth.login("admin")
    page = client.get("/admin/org/").get_data(as_text=True)
    select = page.split('<select id="parent"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'<optgroup label="社区">\s*<option value="S1-C1">测试区 › S1街道 › S1社区'
                     r"</option>", select)
    assert '<optgroup label="街道">' in select and "网格" not in select  # grids: own page
    assert 'id="parent-filter"' in page
    resp = auth.post("/admin/org/units", {"name": "新民社区", "level": "community",
                                          "parent": "S1", "code": ""}, page="/admin/org/")
    assert resp.status_code == 302
    with app.app_context():
        made = db.session.scalar(sa.select(Unit).where(Unit.name == "新民社区"))
        assert made.code == "S1-XMSQ" and made.parent.code == "S1"
    auth.post("/admin/org/units", {"name": "新民社区", "level": "community", "parent": "S1"},
              page="/admin/org/")
    with app.app_context():
        assert _unit("S1-XMSQ-2").name == "新民社区"  # taken: numbered
    # browsing a grid: a unit under it is added with the grid chosen as its parent
    under = client.get(f"/admin/org/?under={org.ids['S1-C1-G1']}").get_data(as_text=True)
    assert re.search(r'<option value="S1-C1-G1" selected>测试区 › S1街道 › S1社区 › S1G1网格',
                     under)


def test_a_unit_moves_to_a_parent_of_the_right_level_chosen_by_name(app, client, auth, users,
                                                                     org):
    auth.login("admin")
    page = f"/admin/org/units/{org.ids['S1-C1']}"
    html = client.get(page).get_data(as_text=True)
    select = html.split('<select id="parent"', 1)[1].split("</select>", 1)[0]
    assert '<option value="S1" selected>测试区 › S1街道</option>' in select
    assert "S2街道" in select and "社区" not in select  # streets only
    resp = auth.post(f"{page}/move", {"parent": "S2-C1"}, page=page, follow_redirects=True)
    assert "该层级的单位必须隶属于上一层级的单位。" in resp.get_data(as_text=True)
    with app.app_context():
        assert _unit("S1-C1").parent.code == "S1"  # nothing changed
