import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.learning.models import Course, Lesson


@pytest.mark.usefixtures("db_ctx")
def test_shipped_library_loads_completely_and_idempotently(app, load, shipped_copy):
    first = load(shipped_copy)
    assert first.problems == []
    assert len(first.created) >= 13
    second = load(shipped_copy)
    assert second.created == second.updated == [] and len(second.unchanged) == len(first.created)
    for course in db.session.scalars(sa.select(Course)):
        assert len(course.lessons) >= 3, course.slug
        assert course.status == "published"
        assert all("<script" not in lesson.body_html for lesson in course.lessons)


@pytest.mark.usefixtures("db_ctx")
def test_shipped_library_covers_core_modules_and_ten_departments(app, load, shipped_copy):
    load(shipped_copy)
    departments = set(db.session.scalars(
        sa.select(Course.department_id).distinct()))
    assert len(departments) == 10


@pytest.mark.usefixtures("db_ctx")
def test_lesson_title_from_heading_and_html_sanitised_once(app, load, course_dir):
    (course_dir / "demo-course" / "02-b.md").write_text(
        "# 第二课\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[点我](javascript:alert(1))\n", "utf-8")
    assert load(course_dir).problems == []
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.filename == "02-b.md"))
    assert lesson.title == "第二课"
    html = lesson.body_html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def _problems(load, course_dir):
    report = load(course_dir)
    return report, "\n".join(report.problems)


def test_unknown_department_named_with_file_and_field(app, load, course_dir):
    yml = course_dir / "demo-course" / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace("fire", "police"), "utf-8")
    report, text = _problems(load, course_dir)
    assert "demo-course/course.yml：字段「department」：没有部门「police」" in text
    assert report.created == []


def test_unknown_competency_and_missing_lesson(app, load, course_dir):
    yml = course_dir / "demo-course" / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace("[communication]", "[charm]")
                   .replace("02-b.md]", "03-c.md]"), "utf-8")
    report, text = _problems(load, course_dir)
    assert "demo-course/course.yml：字段「competencies」：没有能力项「charm」" in text
    assert "demo-course/03-c.md：找不到这个文件" in text
    assert len(report.problems) == 2 and report.created == []


@pytest.mark.usefixtures("db_ctx")
def test_missing_lesson_file_is_reported(app, load, course_dir):
    (course_dir / "demo-course" / "02-b.md").unlink()
    report, text = _problems(load, course_dir)
    assert "demo-course/02-b.md：找不到这个文件" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_invalid_yaml_reports_line(app, load, course_dir):
    (course_dir / "demo-course" / "course.yml").write_text("version: 1\ntitle: [oops\n", "utf-8")
    text = _problems(load, course_dir)[1]
    assert "demo-course/course.yml：第 3 行" in text and "YAML 格式有误" in text


def test_oversize_file_refused(app, load, course_dir):
    (course_dir / "demo-course" / "01-a.md").write_text("# 大\n" + "字" * 400_000, "utf-8")
    assert "文件超过" in _problems(load, course_dir)[1]


@pytest.mark.usefixtures("db_ctx")
def test_broken_update_leaves_loaded_course_untouched(app, load, course_dir):
    assert load(course_dir).created == ["demo-course"]
    (course_dir / "demo-course" / "02-b.md").unlink()
    assert load(course_dir).problems
    course = db.session.scalar(sa.select(Course))
    assert [lesson.filename for lesson in course.lessons] == ["01-a.md", "02-b.md"]


@pytest.mark.usefixtures("db_ctx")
def test_reload_updates_lessons_in_place_keeping_ids(app, load, course_dir):
    load(course_dir)
    before = {lesson.filename: lesson.id for lesson in db.session.scalars(sa.select(Lesson))}
    (course_dir / "demo-course" / "01-a.md").write_text("# 第一课（修订）\n\n新内容。\n", "utf-8")
    assert load(course_dir).updated == ["demo-course"]
    after = {lesson.filename: lesson.id for lesson in db.session.scalars(sa.select(Lesson))}
    assert before == after


def test_content_cli_check_and_load(app, fresh, runner, course_dir):
    bad = course_dir / "broken"
    bad.mkdir()
    (bad / "course.yml").write_text("version: 2\n", "utf-8")
    result = runner.invoke(args=["content", "check", "--courses", str(course_dir),
                                 "--scenarios", str(course_dir / "none")])
    assert result.exit_code == 1
    assert "broken/course.yml：字段「version」：应当是 1" in result.output
    result = runner.invoke(args=["content", "load", "--courses", str(course_dir),
                                 "--scenarios", str(course_dir / "none")])
    assert result.exit_code == 1
    assert fresh.scalar(sa.select(Course.slug)) == "demo-course"


def test_export_round_trip_is_lossless(app, runner, load, shipped_copy, tmp_path):
    load(shipped_copy)
    out = tmp_path / "out"
    result = runner.invoke(args=["content", "export", "grid-duties", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from trainer.learning.course_format import read_course_folder

    original, _ = read_course_folder(shipped_copy / "grid-duties")
    exported, problems = read_course_folder(out / "grid-duties")
    assert problems == []
    for attr in ("title", "department", "lecturer", "summary", "competencies", "hours",
                 "lessons", "quiz", "questions", "question_file"):
        assert getattr(exported, attr) == getattr(original, attr), attr


def _yml(course_dir, old, new):
    yml = course_dir / "demo-course" / "course.yml"
    text = yml.read_text("utf-8")
    assert old in text
    yml.write_text(text.replace(old, new), "utf-8")


def test_overlong_title_and_lecturer_are_problems_naming_file_and_field(app, load, course_dir):
    _yml(course_dir, "title: 测试课程", "title: " + "长" * 121)
    _yml(course_dir, "lecturer: 区消防救援大队宣传员", "lecturer: " + "讲" * 121)
    report, text = _problems(load, course_dir)
    assert "demo-course/course.yml：字段「title」：超过 120 个字" in text
    assert "demo-course/course.yml：字段「lecturer」：超过 120 个字" in text
    assert report.created == []


@pytest.mark.usefixtures("db_ctx")
def test_mapping_lecturer_and_list_summary_are_refused(app, load, course_dir):
    _yml(course_dir, "lecturer: 区消防救援大队宣传员", "lecturer: {name: 张三}")
    _yml(course_dir, "summary: 用于测试的课程。", "summary: [一, 二]")
    report, text = _problems(load, course_dir)
    assert "demo-course/course.yml：字段「lecturer」：应当是文字" in text
    assert "demo-course/course.yml：字段「summary」：应当是文字" in text
    assert db.session.scalar(sa.select(Course)) is None


def test_duplicate_yaml_key_is_reported_with_its_line(app, load, course_dir):
    _yml(course_dir, "hours: 2\n", "hours: 2\ntitle: 另一个标题\n")
    report, text = _problems(load, course_dir)
    assert "demo-course/course.yml：第 8 行：YAML 格式有误（字段「title」重复出现）" in text
    assert report.created == []


def test_unknown_status_and_street_are_reported(app, load, course_dir, org):
    _yml(course_dir, "hours: 2\n", "hours: 2\nstatus: hidden\nstreet: S9\n")
    text = _problems(load, course_dir)[1]
    assert "字段「status」：应当是 draft（草稿）或 published（已发布）" in text
    assert "字段「street」：没有街道「S9」" in text


@pytest.mark.usefixtures("db_ctx")
def test_status_and_street_keys_load_a_private_draft(app, load, course_dir, org):
    _yml(course_dir, "hours: 2\n", "hours: 2\nstatus: draft\nstreet: S1\n")
    assert load(course_dir).created == ["demo-course"]
    course = db.session.scalar(sa.select(Course))
    assert course.status == "draft" and course.street_id == org.ids["S1"]


def test_content_check_passes_on_the_shipped_courses_and_scenarios(runner):
    from tests.learning.conftest import ROOT

    result = runner.invoke(args=["content", "check", "--courses", str(ROOT / "courses"),
                                 "--scenarios", str(ROOT / "scenarios")])
    assert result.exit_code == 0, result.output
    assert "检查内容：问题 0 个" in result.output


def test_content_check_prints_bank_warnings_without_failing(runner, course_dir):
    folder = course_dir / "demo-course"
    (folder / "course.yml").write_text(
        (folder / "course.yml").read_text("utf-8") + "quiz:\n  questions: questions.gift\n",
        "utf-8")
    (folder / "questions.gift").write_text(
        "::q01::哪些情况要报告？（多选）{\n~%50%多户腹泻\n~%50%聚餐后多人不适\n"
        "~%-100%一人感冒\n####解析：多户多人类似不适要报告。\n}\n\n"
        "::q02::网格员可以替居民签字。{F}\n", "utf-8")
    scenarios = course_dir.parent / "scenarios"
    scenarios.mkdir()  # no scenarios and no problems: the exit code is up to the warnings
    result = runner.invoke(args=["content", "check", "--courses", str(course_dir),
                                 "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, result.output
    assert "demo-course/questions.gift" in warnings[0] and "q01" in warnings[0]
    assert "q02" in warnings[1]
    assert "检查内容：问题 0 个" in result.output
