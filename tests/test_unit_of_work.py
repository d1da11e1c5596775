"""One commit per request: views call services and return; the unit of work commits."""

import pytest
import sqlalchemy as sa
from flask import Blueprint, redirect
from flask_wtf import FlaskForm
from wtforms import StringField

from tests.conftest import TestConfig
from trainer import unit_of_work
from trainer.errors import Conflict, Invalid
from trainer.extensions import db
from trainer.org.models import Unit


class UowConfig(TestConfig):
    WTF_CSRF_ENABLED = False


@pytest.fixture
def config():
    return UowConfig


class NameForm(FlaskForm):
    name = StringField()


def _add(code: str) -> None:
    db.session.add(Unit(code=code, name=code, level="district", path="/"))
    db.session.flush()


probe = Blueprint("uow_probe", __name__)


@probe.post("/probe/write")
def write():
    _add("W1")
    return "ok"


@probe.post("/api/v1/probe/refuse")
def refuse_api():
    _add("R1")
    raise Invalid("名称不能为空。", field="name")


@probe.post("/probe/refuse")
def refuse_page():
    _add("R2")
    raise Invalid("名称不能为空。", field="name")


@probe.post("/probe/<code>/back")
@unit_of_work.refusal_redirects("uow_probe.landing", "code")
def refuse_back(code: str):
    _add("R3")
    raise Invalid("不行。")


@probe.get("/probe/<code>/landing")
def landing(code: str):
    return code


@probe.post("/probe/form")
def form_view():
    form = NameForm()
    with unit_of_work.refusal_on(form):
        _add("R4")
        raise Invalid("名称重复。", field="name")
    return {"errors": form.name.errors}, 422


@probe.post("/probe/kept/<int:refuse>")
def kept_refusal(refuse: int):
    with unit_of_work.refusal_on(None) as refused:
        _add("R5" if refuse else "K1")
        if refuse:
            raise Conflict("已经结束。")
        return {"error": None if refused.error is None else "set"}
    return {"message": refused.error.message}, refused.error.status


@probe.get("/probe/read-writes")
def read_that_writes():
    _add("G1")  # a GET never commits: reads that must write use write_transaction()
    return "ok"


@probe.post("/probe/no-database")
def no_database():
    return redirect("/")


@pytest.fixture
def probed(app):
    if "uow_probe" not in app.blueprints:
        app.register_blueprint(probe)
        unit_of_work.init_app(app)
    return app


def _codes(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Unit.code)))


def test_a_view_that_returns_is_committed_once(probed):
    assert probed.test_client().post("/probe/write").status_code == 200
    assert "W1" in _codes(probed)


def test_a_refusal_rolls_back_and_answers_json_under_the_api(probed):
    resp = probed.test_client().post("/api/v1/probe/refuse")
    assert resp.status_code == 422 and resp.get_json()["error"]["message"] == "名称不能为空。"
    assert "R1" not in _codes(probed)


def test_a_refusal_on_a_page_rolls_back_and_renders_the_error(probed):
    resp = probed.test_client().post("/probe/refuse")
    assert resp.status_code == 422 and "名称不能为空。" in resp.get_data(as_text=True)
    assert "R2" not in _codes(probed)


def test_a_declared_refusal_redirects_with_its_message_flashed(probed):
    client = probed.test_client()
    resp = client.post("/probe/S9/back")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/probe/S9/landing")
    with client.session_transaction() as session:
        assert ("error", "不行。") in session["_flashes"]
    assert "R3" not in _codes(probed)


def test_a_refusal_inside_a_form_goes_to_the_field_it_names(probed):
    resp = probed.test_client().post("/probe/form")
    assert resp.status_code == 422 and resp.get_json() == {"errors": ["名称重复。"]}
    assert "R4" not in _codes(probed)


def test_a_refusal_kept_for_the_page_is_rolled_back_and_shown_nowhere_else(probed):
    client = probed.test_client()
    resp = client.post("/probe/kept/1")
    assert resp.status_code == 409 and resp.get_json() == {"message": "已经结束。"}
    with client.session_transaction() as session:
        assert "_flashes" not in session
    assert "R5" not in _codes(probed)
    resp = client.post("/probe/kept/0")
    assert resp.status_code == 200 and resp.get_json() == {"error": None}
    assert "K1" in _codes(probed)


def test_a_get_never_commits(probed):
    assert probed.test_client().get("/probe/read-writes").status_code == 200
    assert "G1" not in _codes(probed)


def test_a_request_that_never_touches_the_database_opens_no_transaction(probed):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with probed.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert probed.test_client().post("/probe/no-database").status_code == 302
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert statements == []
