"""Every kind of problem in a guide file names the file, the entry and the field, in Chinese."""

import pytest

from tests.conftest import app_ctx
from trainer.guide.entry_format import References, read_guide_folder
from trainer.org.services import DEPARTMENTS

DEPTS = {code for code, _name in DEPARTMENTS}
GOOD = "  - key: fine-entry\n    situation: 情况\n    steps: 步骤\n"


def problems_of(app, folder, text: str, name: str = "fire.yml",
                refs: References | None = None) -> list[str]:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with app_ctx(app):
        _specs, problems = read_guide_folder(folder, DEPTS, refs or References())
    return problems


def entry(**fields) -> str:
    body = {"key": "one", "situation": "情况", "steps": "步骤", **fields}
    lines = [f"    {k}: {v}" for k, v in body.items() if v is not None]
    return "version: 1\nentries:\n  -" + "\n".join(lines)[3:] + "\n"


@pytest.mark.parametrize(("text", "expected"), [
    (entry(bogus=1), "fire.yml: 条目 one: 字段“bogus”: 未知字段"),
    (entry(situation=None), "fire.yml: 条目 one: 字段“situation”: 必填文字"),
    (entry(steps='""'), "fire.yml: 条目 one: 字段“steps”: 必填文字"),
    (entry(situation="长" * 121), "fire.yml: 条目 one: 字段“situation”: 超过 120 个字符"),
    (entry(hotlines="110"), "fire.yml: 条目 one: 字段“hotlines”: 必须是列表"),
    (entry(hotlines="[110, 110]"), "fire.yml: 条目 one: 字段“hotlines”: 有一项重复列出"),
    (entry(hotlines="[12306]"), "fire.yml: 条目 one: 字段“hotlines”: “12306”不是允许的全国热线"),
    (entry(laws="[《消防法》]"), "fire.yml: 条目 one: 字段“laws”: “《消防法》”：法律名称"),
    (entry(contacts="[embassy]"), "fire.yml: 条目 one: 字段“contacts”: “embassy”不是本地联系人"),
    (entry(lessons="[just-a-file.md]"), "fire.yml: 条目 one: 字段“lessons”: “just-a-file.md”："),
    (entry(keywords="[" + "词" * 21 + "]"), "fire.yml: 条目 one: 字段“keywords”: "),
    (entry(key="Bad_Key"), "fire.yml: 条目 Bad_Key: 字段“key”: 必填"),
    (entry(key="contacts"), "fire.yml: 条目 contacts: 字段“key”: 必填"),
    (entry(key=None), "fire.yml: 条目 #1: 字段“key”: 必填"),
    ("version: 1\nentries:\n  - just text\n", "fire.yml: 条目 #1: 必须是字段映射"),
    ("version: 2\nentries:\n" + GOOD, "fire.yml: 字段“version”: 必须为 1"),
    ("version: 1\nentries: []\n", "fire.yml: 字段“entries”: 必须是非空列表"),
    ("version: 1\nextra: 1\nentries:\n" + GOOD, "fire.yml: 字段“extra”: 未知字段"),
    ("version: 1\nversion: 1\nentries:\n" + GOOD, "fire.yml: 第 2 行：YAML 格式错误"),
    ("version: 1\nentries: [\n", "fire.yml: 第 3 行：YAML 格式错误"),
    ("- a list\n", "fire.yml: 必须是字段映射"),
    ("version: 1\nentries:\n" + GOOD + GOOD,
     "fire.yml: 条目 fine-entry: 字段“key”: 这个 key 已在 fire.yml 中使用"),
    (b"version: 1\nentries:\n  - key: x\xff\n", "fire.yml: 不是 UTF-8 文本"),
])
def test_each_problem_names_file_entry_and_field(app, tmp_path, text, expected):
    problems = problems_of(app, tmp_path, text)
    assert any(p.startswith(expected) for p in problems), problems


def test_the_file_name_must_be_a_department_code(app, tmp_path):
    problems = problems_of(app, tmp_path, "version: 1\nentries:\n" + GOOD, name="police.yml")
    assert problems == [problems[0]] and problems[0].startswith(
        "police.yml: 文件名必须是部门代码：civil-affairs、")


def test_a_key_used_in_an_earlier_file_is_a_problem_of_the_later_one(app, tmp_path):
    (tmp_path / "emergency.yml").write_text("version: 1\nentries:\n" + GOOD, "utf-8")
    problems = problems_of(app, tmp_path, "version: 1\nentries:\n" + GOOD, name="fire.yml")
    assert problems == ["fire.yml: 条目 fine-entry: 字段“key”: 这个 key 已在 emergency.yml 中使用"]


@pytest.mark.usefixtures("db_ctx")
def test_numbers_read_as_hotlines_and_a_valid_entry_has_no_problem(app, tmp_path):
    path = tmp_path / "fire.yml"
    path.write_text(entry(hotlines="[119, '96119']", lessons="[c-slug/01-a.md]"), "utf-8")
    specs, problems = read_guide_folder(tmp_path, DEPTS, References())
    assert problems == [] and specs[0].hotlines == ["119", "96119"]
    assert specs[0].department == "fire" and specs[0].lessons == ["c-slug/01-a.md"]
