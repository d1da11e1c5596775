"""One commit per request: views call services and return; the unit of work commits."""

import pytest
import sqlalchemy as sa
from flask import Blueprint, redirect
from flask_wtf import FlaskForm
from wtforms import StringField

from tests.conftest import TestConfig, app_ctx
from trainer import unit_of_work
from trainer.errors import Invalid, NotFound
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


@probe.post("/probe/form-above")
def form_above_view():
    form = NameForm()
    with unit_of_work.refusal_on(form, on_form=True) as refusal:
        _add("R5")
        raise Invalid("名称重复。", field="nickname", status=409)
    return {"above": form.form_errors, "field": form.name.errors}, refusal.status


@probe.post("/probe/flashed")
def flashed_view():
    with unit_of_work.refusal_on(None):
        _add("R6")
        raise Invalid("不行。", field="name")
    return redirect("/")


@probe.post("/probe/kept")
def kept_view():
    with unit_of_work.refusal_kept() as refusal:
        _add("R7")
        raise Invalid("代码无效。", status=409)
    _add("F1")  # written after the refusal (e.g. a record of the failure): committed
    return {"message": refusal.error.message}, refusal.status


@probe.get("/probe/read-writes")
def read_that_writes():
    _add("G1")  # a GET never commits: reads that must write use write_transaction()
    return "ok"


@probe.post("/probe/<code>/narrow")
@unit_of_work.refusal_redirects("uow_probe.landing", "code", only=Invalid)
def refuse_narrow(code: str):
    _add("R5")
    if code == "gone":
        raise NotFound("没有这一项。")
    raise Invalid("不行。")


@probe.put("/probe/json")
@unit_of_work.answers_json
def refuse_json():
    _add("R6")
    raise Invalid("答案不能为空。", field="answer")


@probe.post("/probe/form-always-above")
def form_above():
    form = NameForm()
    with unit_of_work.refusal_on(form, above=True):
        _add("R7")
        raise Invalid("名称重复。", field="name")
    return {"field": form.name.errors, "form": form.form_errors}, 422


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
    with app_ctx(app):
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


def test_a_refusal_no_field_takes_goes_above_the_form_with_its_status(probed):
    resp = probed.test_client().post("/probe/form-above")
    assert resp.status_code == 409
    assert resp.get_json() == {"above": ["名称重复。"], "field": []}
    assert "R5" not in _codes(probed)


def test_a_refusal_with_no_form_is_flashed(probed):
    client = probed.test_client()
    assert client.post("/probe/flashed").status_code == 302
    with client.session_transaction() as session:
        assert ("error", "不行。") in session["_flashes"]
    assert "R6" not in _codes(probed)


def test_a_kept_refusal_is_rolled_back_and_what_follows_is_committed(probed):
    resp = probed.test_client().post("/probe/kept")
    assert resp.status_code == 409 and resp.get_json() == {"message": "代码无效。"}
    codes = _codes(probed)
    assert "R7" not in codes and "F1" in codes


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


def test_a_narrowed_refusal_redirects_only_the_errors_it_names(probed):
    client = probed.test_client()
    resp = client.post("/probe/S9/narrow")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/probe/S9/landing")
    gone = client.post("/probe/gone/narrow")
    assert gone.status_code == 404 and "没有这一项。" in gone.get_data(as_text=True)
    assert "R5" not in _codes(probed)


def test_a_page_answering_json_answers_its_refusals_in_json(probed):
    resp = probed.test_client().put("/probe/json")
    assert resp.status_code == 422
    assert resp.get_json() == {"error": {"code": "invalid", "message": "答案不能为空。"}}
    assert "R6" not in _codes(probed)


def test_a_refusal_on_a_form_can_be_shown_above_it(probed):
    resp = probed.test_client().post("/probe/form-always-above")
    assert resp.get_json() == {"field": [], "form": ["名称重复。"]}
    assert "R7" not in _codes(probed)
