import shutil

import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.simulation.models import Scenario, ScenarioVersion

from .conftest import FIXTURES, NOISE, SHIPPED


def copy(tmp_path, *names):
    for name in names:
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


@pytest.mark.usefixtures("db_ctx")
def test_shipped_folder_loads_every_scenario_published(load_folder, app, db_count):
    report = load_folder(SHIPPED)
    assert report.problems == []
    slugs = sorted(p.stem for p in SHIPPED.glob("*.yml"))
    assert len(slugs) >= 8
    assert sorted(report.created) == slugs
    rows = db.session.scalars(sa.select(Scenario)).all()
    assert {s.status for s in rows} == {"published"}
    assert all(s.department is not None and s.source == "file" for s in rows)
    assert all(s.current_version.number == 1 for s in rows)
    assert db_count(ScenarioVersion) == len(slugs)


def test_loading_again_is_idempotent(load_folder, db_count):
    load_folder(SHIPPED)
    again = load_folder(SHIPPED)
    assert again.created == again.updated == []
    assert len(again.unchanged) == db_count(Scenario) == db_count(ScenarioVersion)


def test_check_only_loads_nothing(load_folder, db_count):
    report = load_folder(SHIPPED, dry_run=True)
    assert report.ok and report.created == []
    assert db_count(Scenario) == 0


@pytest.mark.usefixtures("db_ctx")
def test_changed_file_adds_a_version_and_keeps_the_old_one(load_folder, tmp_path, app,
                                                            db_count):
    (tmp_path / "noise.yml").write_text(NOISE, encoding="utf-8")
    load_folder(tmp_path)
    (tmp_path / "noise.yml").write_text(NOISE.replace("跳绳", "拍球"), encoding="utf-8")
    report = load_folder(tmp_path)
    assert report.updated == ["noise"]
    assert db_count(ScenarioVersion) == 2
    scenario = db.session.scalar(sa.select(Scenario))
    assert scenario.current_version.number == 2
    assert "拍球" in scenario.current_version.html["arrive"]


def test_layout_only_change_is_unchanged(load_folder, tmp_path):
    (tmp_path / "noise.yml").write_text(NOISE, encoding="utf-8")
    load_folder(tmp_path)
    (tmp_path / "noise.yml").write_text("# a comment\n" + NOISE, encoding="utf-8")
    assert load_folder(tmp_path).unchanged == ["noise"]


def test_file_with_a_cycle_or_dangling_goto_loads_nothing(load_folder, tmp_path, db_count):
    report = load_folder(copy(tmp_path, "cycle.yml", "dangling.yml", "noise.yml"))
    assert report.problems == [
        "cycle.yml：第 7 行，节点「a」（A）：构成循环 「a」（A） → 「b」（B） → 「a」（A）："
        "学员会一直绕圈，走不到结局",
        "dangling.yml：第 11 行，节点「arrive」（到达现场。）的选项「scold」（训斥）："
        "指向的节点「nowhere」不存在",
    ]
    assert report.created == ["noise"]
    assert db_count(Scenario) == 1


def test_broken_edit_of_a_loaded_file_keeps_the_loaded_version(load_folder, tmp_path,
                                                               db_count):
    (tmp_path / "noise.yml").write_text(NOISE, encoding="utf-8")
    load_folder(tmp_path)
    (tmp_path / "noise.yml").write_text(NOISE.replace("goto: escalate", "goto: nowhere"),
                                        encoding="utf-8")
    report = load_folder(tmp_path)
    assert [p.split("：")[2] for p in report.problems] == [
        "指向的节点「nowhere」不存在",
        "从起始节点「arrive」（晚上十点，302 的王阿姨打电话…）无法到达"]
    assert "节点「arrive」（晚上十点，302 的王阿姨打电话…）的选项「scold」" in report.problems[0]
    assert db_count(ScenarioVersion) == 1


@pytest.mark.usefixtures("db_ctx")
def test_twee_and_twine_html_import_without_department(load_folder, tmp_path, app):
    shutil.copy(FIXTURES / "parking.twee", tmp_path / "parking.twee")
    shutil.copy(FIXTURES / "parking.html", tmp_path / "parking-html.html")
    report = load_folder(tmp_path)
    assert report.problems == []
    assert sorted(report.created) == ["parking", "parking-html"]
    scenario = db.session.scalar(sa.select(Scenario).where(Scenario.slug == "parking"))
    assert (scenario.title, scenario.department, scenario.status) == (
        "小区停车纠纷", None, "published")


def test_two_files_with_one_slug_load_neither(load_folder, tmp_path, db_count):
    shutil.copy(FIXTURES / "noise.yml", tmp_path / "parking.yml")
    shutil.copy(FIXTURES / "parking.twee", tmp_path / "parking.twee")
    report = load_folder(tmp_path)
    assert report.problems == [
        "parking.twee：短名称「parking」被这个文件夹里的 2 个文件同时使用",
        "parking.yml：短名称「parking」被这个文件夹里的 2 个文件同时使用",
    ]
    assert db_count(Scenario) == 0


def test_unusable_file_name_and_encoding_are_reported(load_folder, tmp_path):
    (tmp_path / "Noise Night.yml").write_text(NOISE, encoding="utf-8")
    (tmp_path / "latin.yml").write_bytes("title: caf\xe9".encode("latin-1"))
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    report = load_folder(tmp_path)
    assert report.problems == [
        "Noise Night.yml：文件名去掉扩展名就是情景的短名称：只能用小写字母、数字、“-”和“_”",
        "latin.yml：不是 UTF-8 文本",
    ]


def test_unknown_department_is_reported(load_folder, tmp_path):
    (tmp_path / "noise.yml").write_text(NOISE.replace("civil-affairs", "weather"), "utf-8")
    [problem] = load_folder(tmp_path).problems
    assert problem.startswith("noise.yml：字段「department」：未知的部门「weather」，"
                              "可用的部门有：")


def test_missing_folder_is_one_problem(load_folder, tmp_path):
    assert load_folder(tmp_path / "nope").problems == [f"{tmp_path / 'nope'}：不是文件夹"]


def test_web_edit_survives_reloading_the_unchanged_file(load_folder, tmp_path, app, users):
    from trainer.auth.models import User
    from trainer.simulation import authoring

    (tmp_path / "noise.yml").write_text(NOISE, encoding="utf-8")
    load_folder(tmp_path)
    with app.app_context():
        admin = db.session.get(User, users["admin"])
        scenario = db.session.scalar(sa.select(Scenario))
        authoring.save_scenario(admin, scenario, NOISE.replace("跳绳", "唱歌"))
        db.session.commit()
    assert load_folder(tmp_path).unchanged == ["noise"]
    with app.app_context():
        assert "唱歌" in db.session.scalar(sa.select(Scenario)).current_version.html["arrive"]


def test_imported_twine_stories_play_to_their_endings(load_folder, tmp_path, client, auth,
                                                      users):
    from tests.conftest import bearer
    from trainer.simulation.engine import paths_to_endings, score_path
    from trainer.simulation.twee import parse_twee, parse_twine_html

    shutil.copy(FIXTURES / "parking.twee", tmp_path / "parking.twee")
    shutil.copy(FIXTURES / "parking.html", tmp_path / "parking-html.html")
    load_folder(tmp_path)
    graph, _ = parse_twee((FIXTURES / "parking.twee").read_text("utf-8"), "p", "parking")
    headers = bearer(auth.token("worker"))
    for ending, keys in paths_to_endings(graph).items():
        run_id = client.post("/api/v1/scenarios/parking/runs", headers=headers).get_json()[
            "run_id"]
        for key in keys:
            body = client.post(f"/api/v1/runs/{run_id}/choices", json={"choice": key},
                               headers=headers).get_json()
        assert body["node"]["key"] == ending
        assert (body["outcome"], body["scores"]) == (graph.nodes[ending].ending,
                                                     score_path(graph, keys))
    start = client.post("/api/v1/scenarios/parking-html/runs", headers=headers).get_json()
    html_graph, _ = parse_twine_html((FIXTURES / "parking.html").read_text("utf-8"), "p", "p")
    assert [c["label"] for c in start["node"]["choices"]] == [
        c.label for c in html_graph.nodes["Arrive"].choices]
    assert "&lt;&lt;if $calm &gt; 0&gt;&gt;" in start["node"]["html"]  # macros stay text


def test_file_may_not_overwrite_a_scenario_authored_in_the_browser(load_folder, tmp_path, app,
                                                                   users, db_count):
    from trainer.auth.models import User
    from trainer.simulation import authoring

    ps_noise = NOISE.replace("civil-affairs", "public-security")
    with app.app_context():
        trainer = db.session.get(User, users["trainer"])
        authoring.create_scenario(trainer, "noise", ps_noise.replace("跳绳", "唱歌"))
        db.session.commit()
    (tmp_path / "noise.yml").write_text(NOISE, encoding="utf-8")
    for dry_run in (True, False):
        report = load_folder(tmp_path, dry_run=dry_run)
        assert report.problems == [
            "noise.yml：短名称「noise」已被在网页上编写的情景使用，请给文件改名"
        ]
        assert report.created == report.updated == []
    assert db_count(ScenarioVersion) == 1
    with app.app_context():
        scenario = db.session.scalar(sa.select(Scenario))
        assert (scenario.status, scenario.source, scenario.department.code) == (
            "draft", "web", "public-security")
        assert "唱歌" in scenario.current_version.html["arrive"]


def test_content_check_reports_deep_yaml_as_one_line(app, runner, tmp_path):
    (tmp_path / "deep.yml").write_text("[" * 5000, encoding="utf-8")
    huge = NOISE.replace("communication: 2", "communication: " + "9" * 5000)
    (tmp_path / "huge.yml").write_text(huge, encoding="utf-8")
    result = runner.invoke(args=["content", "check", "--scenarios", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.splitlines()
    assert "deep.yml：YAML 格式有误：列表或映射嵌套太深" in lines
    assert any(line.startswith("huge.yml：YAML 格式有误：有一个值无法读取") for line in lines)
    assert "Traceback" not in result.output


BAD_MOVE = NOISE.replace("effects: {communication: -1}", "effects: {communication: -1, "
                         "information: 1}", 1)


def test_content_check_prints_warnings_that_fail_only_with_strict(app, runner, tmp_path):
    assert BAD_MOVE != NOISE
    (tmp_path / "noise.yml").write_text(BAD_MOVE, encoding="utf-8")
    (tmp_path / "courses").mkdir()
    args = ["content", "check", "--courses", str(tmp_path / "courses"), "--scenarios",
            str(tmp_path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    arrive = "节点「arrive」（晚上十点，302 的王阿姨打电话…）"
    warning = (f"warning: noise.yml：{arrive}的选项「scold」（直接要求楼上立刻停止）："
               "错误的选择却得分：它扣分（communication -1），却又加分 information +1")
    assert warning in result.output.splitlines()
    assert ("warning: noise.yml：能力「information」：路径 scold → apologise → agree 经过扣分的"
            f"选项 {arrive}的「scold」（直接要求楼上立刻停止），总分却有 1，高于参考路径的 0"
            ) in result.output.splitlines()
    assert "检查内容：问题 0 个，提醒 2 个" in result.output
    strict = runner.invoke(args=[*args, "--strict"])
    assert strict.exit_code == 1 and warning in strict.output.splitlines()
    (tmp_path / "noise.yml").write_text(NOISE, encoding="utf-8")
    clean = runner.invoke(args=[*args, "--strict"])
    assert clean.exit_code == 0 and "warning:" not in clean.output


def test_a_file_with_warnings_still_loads(load_folder, tmp_path):
    (tmp_path / "noise.yml").write_text(BAD_MOVE, encoding="utf-8")
    report = load_folder(tmp_path)
    assert report.problems == [] and report.created == ["noise"]
    assert [w.removeprefix("warning: ").split("：")[0] for w in report.warnings] == [
        "noise.yml", "noise.yml"]
