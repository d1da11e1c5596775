"""Server-drawn charts keep their text at 12 CSS px or more on a phone (pure, fast).

A chart drawn with ``width="100%"`` is scaled to its box: on a 390-px phone a chart in a
card gets about 324 px (390 less the page's and the card's padding), a 360-px phone about
294 px. Text of ``f`` viewBox units in a ``w``-unit viewBox renders at ``f × box / w`` px.
The browser test (tests/browser/test_layout_checks.py) measures the same on real pages."""

import re
from pathlib import Path

import pytest

from trainer.competitions.itemstats import histogram, histogram_svg
from trainer.records.charts import bar_chart
from trainer.simulation.charts import competency_chart

PHONE_CARD = 294  # px: a card's content box on a 360-px phone (the narrowest we serve)
CSS = Path(__file__).parents[1] / "trainer" / "static" / "css" / "competitions.css"


def _rendered_sizes(svg: str, css_size: float | None = None) -> list[float]:
    width = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    sizes = [float(s) for s in re.findall(r'<text [^>]*font-size="([\d.]+)"', svg)]
    unsized = len(re.findall(r"<text (?![^>]*font-size)", svg))
    sizes += [css_size] * unsized if css_size else []
    assert sizes and (css_size or not unsized), "every chart text has a known size"
    return [size * min(1.0, PHONE_CARD / width) for size in sizes]


@pytest.mark.parametrize("svg", [
    bar_chart([("秀江街道", 4.2), ("灵泉街道社区服务中心", None)], "学时", target=4),
    competency_chart({"mediation": 50.0, "communication": 100.0},
                     {"mediation": "化解纠纷", "communication": "语言沟通"}, "能力"),
], ids=["records-bars", "debrief-competencies"])
def test_bar_chart_text_is_12_px_or_more_on_a_phone(svg):
    assert min(_rendered_sizes(str(svg))) >= 12


def test_contest_histogram_text_is_12_px_or_more_on_a_phone():
    css = re.search(r"\.chart text \{[^}]*font-size: ([\d.]+)px", CSS.read_text("utf-8"))
    svg = histogram_svg(histogram([12, 55, 61, 99.9]), "分布", "总分（0–100）", "参赛者")
    assert min(_rendered_sizes(svg, float(css.group(1)))) >= 12
