import io

import openpyxl
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.people import parse_people, read_table

HEADER = "姓名,用户名,手机,角色,所属单位编码,部门编码\n"


def upload(auth, content: bytes, name: str):
    return auth.post("/admin/org/people/import", {"file": (io.BytesIO(content), name)},
                     content_type="multipart/form-data", follow_redirects=True)


def count_users(app):
    with app_ctx(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_good_csv_imports_everyone_with_initial_passwords(app, client, auth, users):
    from tests.conftest import AuthActions, csrf_from

    auth.login("admin")
    body = (HEADER + "张三,zhangsan,13800000001,网格员,S1-C1-G1,\n"
            "李四,lisi,,培训师,D,fire\n").encode("utf-8-sig")
    resp = upload(auth, body, "people.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.request.path.startswith("/jobs/")
    assert "已创建 2 个账号" in html and "已处理 2 / 2 行" in html
    with app.app_context():
        lisi = db.session.scalar(sa.select(User).where(User.username == "lisi"))
        # a district trainer belongs to the district (districts are tenants)
        assert lisi.role == "trainer" and lisi.unit.code == "D" and lisi.department.code == "fire"
    # the initial passwords: a spreadsheet, downloaded once
    sheet = client.post(resp.request.path + "/result", data={"csrf_token": csrf_from(html)})
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.get_data())).active.values)
    assert rows[0] == ("用户名", "姓名", "初始密码")
    passwords = {name: password for name, _full, password in rows[1:]}
    assert sorted(passwords) == ["lisi", "zhangsan"] and len(set(passwords.values())) == 2
    assert client.post(resp.request.path + "/result",
                       data={"csrf_token": csrf_from(html)}).status_code == 404
    # the password works, and the first login stores it with the full hashing cost
    with app.app_context():
        cheap = db.session.scalar(sa.select(User.password_hash).where(User.username == "lisi"))
    other = AuthActions(app.test_client())
    assert other.login("lisi", passwords["lisi"]).status_code == 302
    with app.app_context():
        full = db.session.scalar(sa.select(User.password_hash).where(User.username == "lisi"))
    assert "m=1024," in cheap and f"m={app.config['ARGON2_MEMORY_COST']}," in full


def test_any_bad_row_imports_nothing_and_names_rows(app, client, auth, users):
    auth.login("admin")
    before = count_users(app)
    body = (HEADER + "张三,zhangsan,13800000001,网格员,S1-C1-G1,\n"
            "李四,lisi,12,网格员,S1-C1-G1,\n"
            "王五,wangwu,,队长,S1-C1-G1,\n"
            "赵六,zhaoliu,,网格员,NOPE,\n"
            "钱七,worker,,网格员,S1-C1-G1,\n").encode()
    resp = upload(auth, body, "people.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "任务失败" in html
    assert "第3行" in html and "手机号" in html
    assert "第4行" in html and "队长" in html
    assert count_users(app) == before


def test_database_problems_reported_by_row(app, client, auth, users):
    auth.login("admin")
    before = count_users(app)
    body = (HEADER + "张三,zhangsan,,网格员,S1-C1-G1,\n"
            "赵六,zhaoliu,,网格员,NOPE,\n"
            "钱七,worker,,网格员,S1-C1-G1,\n").encode()
    html = upload(auth, body, "people.csv").get_data(as_text=True)
    assert "第3行" in html and "NOPE" in html
    assert "第4行" in html and "worker" in html
    assert count_users(app) == before


def test_xlsx_file_imports(app, fresh, client, auth, users):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "用户名", "手机", "角色", "所属单位编码"])
    sheet.append(["孙八", "sunba", 13900000002, "网格员", "S2-C1-G2"])
    buf = io.BytesIO()
    book.save(buf)
    auth.login("admin")
    assert upload(auth, buf.getvalue(), "people.xlsx").status_code == 200
    assert fresh.scalar(sa.select(User).where(User.username == "sunba")).phone \
        == "13900000002"


def test_gbk_csv_is_read_and_undecodable_bytes_are_refused_clearly(app):
    import pytest

    table = read_table((HEADER + "张三,zhangsan,,网格员,S1-C1-G1,\n").encode("gbk"), "x.csv")
    assert table.header[0] == "姓名" and table.rows[0][1][0] == "张三"
    with pytest.raises(ValueError, match="UTF-8"), app.test_request_context():
        read_table(b"\xff\xff\xff", "x.csv")


def test_missing_columns_reported_on_row_one():
    rows, problems = parse_people([["姓名", "手机"], ["a", "b"]])
    assert not rows and problems[0].row == 1 and "用户名" in problems[0].message


def test_duplicate_usernames_in_file_are_reported():
    table = [["姓名", "用户名", "手机", "角色", "所属单位编码"],
             ["a", "same", "", "网格员", "G"], ["b", "SAME", "", "网格员", "G"]]
    _rows, problems = parse_people(table)
    assert [p.row for p in problems] == [3]


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "用户名", "手机", "角色", "所属单位编码"])
    for n in range(300):
        book.active.append([f"人员{n}", f"user{n}", None, "网格员", "S1-C1-G1"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cut_sheet_xml(data: bytes) -> bytes:
    """The same workbook with its sheet XML cut in half (a damaged download)."""
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, body[: len(body) // 2] if "sheet1" in item.filename else body)
    return out.getvalue()


def test_malformed_files_are_reported_not_crashed_on(app, client, auth, users):
    auth.login("admin")
    before = count_users(app)
    huge_field = (HEADER + "张三,zhangsan,," + "x" * 200_000 + ",S1-C1-G1,\n").encode()
    for body, name, words in [(huge_field, "people.csv", "CSV"),
                              (_cut_sheet_xml(_xlsx_bytes()), "people.xlsx", "Excel"),
                              (b"PK\x03\x04 not a zip", "people.xlsx", "Excel"),
                              (b"\xff\xfe\xff\n", "people.csv", "UTF-8")]:
        resp = upload(auth, body, name)
        assert "任务失败" in resp.get_data(as_text=True), name
        assert words in resp.get_data(as_text=True)
    assert count_users(app) == before


def test_overlong_name_and_codes_are_row_problems(app):
    rows, problems = parse_people([
        ["姓名", "用户名", "手机", "角色", "所属单位编码"],
        ["长" * 61, "longname", "", "网格员", "S1-C1-G1"],
        ["李四", "lisi", "", "网格员", "C" * 41]])
    with app.test_request_context():
        text = [str(p) for p in problems]
    assert rows == [] and len(text) == 2
    assert text[0].startswith("第2行") and "60" in text[0]
    assert text[1].startswith("第3行") and "过长" in text[1]


def test_a_username_differing_only_in_case_is_taken(app, client, auth, users):
    auth.login("admin")
    before = count_users(app)
    resp = upload(auth, (HEADER + "大写,WORKER,,网格员,S1-C1-G1,\n").encode(), "people.csv")
    assert "任务失败" in resp.get_data(as_text=True) and "WORKER" in resp.get_data(as_text=True)
    assert count_users(app) == before


def test_a_username_taken_between_the_check_and_the_write_imports_nothing(app, users):
    import pytest

    from trainer.errors import Conflict
    from trainer.org import services

    rows, problems = parse_people([["姓名", "用户名", "手机", "角色", "所属单位编码"],
                                   ["张三", "zhangsan", "", "网格员", "S1-C1-G1"],
                                   ["李四", "lisi", "", "网格员", "S1-C1-G1"]])
    assert problems == []
    with app.test_request_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        plan, problems = services.prepare_people(rows, admin)
        assert problems == [] and len(plan) == 2
        racer = User(username="lisi", name="抢先", role="worker", password_hash="x")
        db.session.add(racer)
        db.session.flush()  # another request created it after the check
        with pytest.raises(Conflict):
            services.create_people(plan)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.username == "zhangsan")) == 0
        db.session.rollback()


def test_a_job_that_fails_midway_takes_back_the_batches_it_wrote(app, client, auth, users,
                                                                monkeypatch):
    """Batches commit one by one (logins never wait); should a later one fail (here a
    username taken meanwhile), the accounts of the earlier ones are deleted again."""
    from trainer.errors import Conflict
    from trainer.jobs.models import Job
    from trainer.jobs.queue import job_folder
    from trainer.org import people_job, services

    real, calls = services.create_people, []

    def taken_on_the_third(plan):
        calls.append(len(plan))
        if len(calls) == 3:
            raise Conflict("有用户名在检查之后被占用，没有导入任何人员。请重新上传。")
        return real(plan)

    monkeypatch.setattr(people_job, "BATCH", 2)
    monkeypatch.setattr(services, "create_people", taken_on_the_third)
    auth.login("admin")
    before = count_users(app)
    body = (HEADER + "".join(f"人员{n},mid{n},,网格员,S1-C1-G1,\n" for n in range(5))).encode()
    resp = upload(auth, body, "people.csv")
    html = resp.get_data(as_text=True)
    assert "任务失败：有用户名在检查之后被占用" in html and "没有做任何更改" in html
    assert calls == [2, 2, 1] and count_users(app) == before
    with app.app_context():
        job = db.session.scalar(sa.select(Job))
        assert job.status == "failed" and job.result_name is None
        assert not (job_folder(job.id) / "result").exists()
