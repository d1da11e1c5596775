"""Markdown as authors write it (issue 15 item 6): nesting by 2 or 3 spaces, lists and
tables right under text, list starts, hashtags, fences in lists; and the shipped lessons."""

import re
from pathlib import Path

import pytest

from trainer.markup import render_markdown

COURSES = Path(__file__).resolve().parents[2] / "courses"


def _flat(html: str) -> str:
    return re.sub(r"\s+", "", html)


@pytest.mark.parametrize("text", ["- 甲\n  - 乙\n  - 丙\n- 丁\n", "- 甲\n   - 乙\n   - 丙\n- 丁\n",
                                  "- 甲\n    - 乙\n    - 丙\n- 丁\n"])
def test_nested_list_by_two_three_or_four_spaces(text):
    assert _flat(render_markdown(text)) == (
        "<ul><li>甲<ul><li>乙</li><li>丙</li></ul></li><li>丁</li></ul>")


def test_three_levels_and_a_bullet_list_under_a_numbered_item():
    html = _flat(render_markdown("1. 甲\n   - 乙\n     - 丙\n2. 丁\n"))
    assert html == ("<ol><li>甲<ul><li>乙<ul><li>丙</li></ul></li></ul></li>"
                    "<li>丁</li></ol>")


def test_list_right_after_a_line_of_text():
    html = _flat(render_markdown("入户前准备：\n- 工作证\n- 记录本\n"))
    assert html == "<p>入户前准备：</p><ul><li>工作证</li><li>记录本</li></ul>"
    assert "<ol><li>先敲门</li>" in _flat(render_markdown("步骤：\n1. 先敲门\n2. 再说明来意\n"))


def test_table_right_after_a_line_of_text():
    html = _flat(render_markdown("对照表：\n| 情况 | 处理 |\n|---|---|\n| 漏水 | 找物业 |\n"))
    assert html.startswith("<p>对照表：</p><table><thead><tr><th>情况</th>")
    assert "<td>找物业</td>" in html


def test_a_table_with_text_in_its_cells_is_left_alone():
    html = _flat(render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert html.startswith("<table>") and "<p>" not in html


def test_ordered_list_keeps_its_start():
    assert '<ol start="3">' in render_markdown("3. 第三步\n4. 第四步\n")
    html = render_markdown("1. 一\n2. 二\n\n> 插一句话\n\n3. 三\n")
    assert '<ol start="3">' in html


@pytest.mark.parametrize("text", ["#网格员风采# 今天走访了 12 户。", "#标题", "#垃圾分类#"])
def test_hashtags_and_hash_without_space_stay_text(text):
    html = render_markdown(text)
    assert "<h1>" not in html and html.startswith("<p>#")


def test_a_heading_still_needs_only_a_space():
    assert render_markdown("# 标题") == "<h1>标题</h1>"
    assert render_markdown("## 小标题") == "<h2>小标题</h2>"


def test_fenced_code_inside_a_list_keeps_the_list():
    for text in ("1. 打开平台\n   ```\n   事件类型：环境卫生\n   ```\n2. 上传照片\n",
                 "1. 打开平台\n\n   ```\n   事件类型：环境卫生\n   ```\n\n2. 上传照片\n",
                 "- 打开平台\n  ```\n  事件类型：环境卫生\n  ```\n- 上传照片\n"):
        html = _flat(render_markdown(text))
        assert html.count("<ol>") + html.count("<ul>") == 1, html
        assert re.search(r"<li>(<p>)?打开平台.*<pre><code>事件类型：环境卫生</code></pre>"
                         r"(</p>)?</li><li>(<p>)?上传照片", html), html


def test_a_fence_keeps_list_markers_and_hashes_as_code():
    html = render_markdown("```\n#不是标题\n- 不是列表\n  - 也不是\n```\n")
    assert "<pre><code>#不是标题\n- 不是列表\n  - 也不是</code></pre>" in html


def test_a_quote_under_a_list_item_stays_in_the_item():
    html = _flat(render_markdown("1. 说明来意：\n   > “您好，我是网格员。”\n2. 记录\n"))
    assert html.startswith("<ol><li>说明来意：<blockquote><p>“您好，我是网格员。”</p>")


def test_text_after_a_blank_line_ends_the_list():
    html = _flat(render_markdown("- 甲\n  - 乙\n\n段落\n"))
    assert html.endswith("</ul><p>段落</p>")


def test_external_and_data_images_are_dropped_and_site_images_kept():
    html = render_markdown(
        "![站内](images/a.png) ![外站](https://example.com/a.png) "
        '![数据](data:image/png;base64,AAAA) <img src="//example.com/b.png" alt="x"> '
        '<img src="/courses/c/assets/a.png" alt="y" loading="lazy" onerror="alert(1)" '
        'style="width:9px" width="40">')
    assert html.count("<img") == 2
    assert 'src="images/a.png"' in html and 'src="/courses/c/assets/a.png"' in html
    assert "example.com" not in html and "data:" not in html
    assert "onerror" not in html and "style" not in html
    assert 'loading="lazy"' in html and 'width="40"' in html


def test_shipped_lessons_render_their_nested_lists():
    for pattern in ("food-market-safety/01-*.md", "social-assistance-visits/03-*.md"):
        (path,) = COURSES.glob(pattern)
        html = render_markdown(path.read_text("utf-8"))
        assert re.search(r"<li>[^<]*(<[^/][^>]*>[^<]*</[^>]+>)*[^<]*<ul>\s*<li>", html), path
        assert "<br>\n   - " not in html and "<br>\n  - " not in html


def test_no_shipped_lesson_shows_markdown_it_did_not_understand():
    for path in sorted(COURSES.glob("*/*.md")):
        html = render_markdown(path.read_text("utf-8"))
        text = re.sub(r"<pre>.*?</pre>", "", html, flags=re.S)
        assert not re.search(r"(^|<br>|<p>|<li>)\s*([-*+]|\d+\.) ", text, re.M), path
        assert "|---" not in text and "```" not in text and "<p>#" not in text, path
