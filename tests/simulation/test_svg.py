"""The server-rendered SVG of the debrief chart and the authoring graph (pure)."""

import re
import xml.dom.minidom
from pathlib import Path

from trainer.simulation.charts import competency_chart
from trainer.simulation.graph import Choice, Node, Scenario
from trainer.simulation.graphsvg import graph_svg, layout
from trainer.simulation.validate import read_draft

FIXTURES = Path(__file__).parent / "fixtures"


def draft(name):
    graph, problems = read_draft((FIXTURES / name).read_text("utf-8"), name, "s")
    assert graph is not None and problems
    return graph


def test_chart_bar_widths_are_proportional_and_text_is_escaped():
    svg = competency_chart({"mediation": 50.0, "communication": 100.0},
                           {"mediation": "<b>调解</b>", "communication": "沟通"}, "T & t")
    xml.dom.minidom.parseString(svg)
    widths = re.findall(r'<rect x="118" y="\d+" width="([\d.]+)"', svg)
    assert widths == ["180", "90.0", "180", "180.0"]
    assert "&lt;b&gt;调解&lt;/b&gt;" in svg and "<b>" not in svg
    assert ">50%</text>" in svg and 'aria-label="T &amp; t' in svg
    assert "style=" not in svg


def test_graph_of_a_valid_scenario_points_every_edge_down():
    graph, problems = read_draft((FIXTURES / "noise.yml").read_text("utf-8"), "n", "n")
    assert problems == []
    boxes = layout(graph)
    for key, node in graph.nodes.items():
        for c in node.choices:
            assert boxes[(False, c.goto)].row > boxes[(False, key)].row
    svg = graph_svg(graph, "g")
    xml.dom.minidom.parseString(svg)
    assert 'stroke="#b00020"' not in svg and "style=" not in svg


def test_dangling_goto_ends_at_a_red_ghost_box():
    svg = graph_svg(draft("dangling.yml"), "g")
    assert "<title>? nowhere (missing)</title>" in svg
    assert "<title>arrive (dangling)</title>" in svg


def test_cycle_edges_are_red_and_unreachable_nodes_flagged():
    svg = graph_svg(draft("cycle.yml"), "g")
    assert "<title>a → b: " in svg
    assert svg.count('stroke="#b00020" stroke-width="1.5" stroke-dasharray="5 3"') == 2
    svg = graph_svg(draft("unreachable.yml"), "g")
    assert "<title>orphan (unreachable)</title>" in svg
    svg = graph_svg(draft("dead_end.yml"), "g")
    assert "<title>stuck (dead_end)</title>" in svg


def test_graph_text_is_escaped():
    nodes = {"<a>": Node("<a>", "", (Choice("x\"y", "l", "z&"),)),
             "z&": Node("z&", "", (), "success")}
    svg = graph_svg(Scenario("s", "t", None, "", (), "<a>", nodes), "<t>")
    xml.dom.minidom.parseString(svg)
    assert "&lt;a&gt;" in svg and "<a>" not in svg


def test_graph_of_an_unreadable_draft_is_still_drawn():
    graph, problems = read_draft("version: 1\nnodes: {a: {text: x, choices: [go]}}\n", "f", "f")
    assert graph is not None and problems
    xml.dom.minidom.parseString(graph_svg(graph, "g"))


def test_graph_highlights_the_reference_path_only_when_given():
    graph, problems = read_draft((FIXTURES / "noise.yml").read_text("utf-8"), "n", "n")
    assert problems == []
    from trainer.simulation.engine import reference_path

    plain = graph_svg(graph, "g")
    assert 'class="reference"' not in plain and "node reference" not in plain
    svg = graph_svg(graph, "g", reference_path(graph), "参考 & 路径")
    xml.dom.minidom.parseString(svg)
    assert svg.count('<path class="reference"') == 2
    assert svg.count('<g class="node reference">') == 3
    assert "(参考 &amp; 路径)" in svg and "style=" not in svg
