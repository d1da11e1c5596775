"""The authoring graph view: nodes and choices of a scenario as server-rendered SVG.

Pure. Works for broken drafts too (cycles, dangling gotos, unreachable nodes, dead ends),
so that an author sees each mistake where it is: problem nodes get a red dashed border,
a choice whose goto names no node ends at a red "?" ghost, and a choice that goes back up
(a cycle) is drawn in red. The reference path, when given, is drawn in thick green
arrows with green-edged boxes. Colours are SVG presentation attributes (the CSP forbids
``style``); all text is escaped here.
"""

from dataclasses import dataclass
from html import escape

from .graph import Choice, Scenario, cyclic_components, successors, topological_order
from .rules import graph_problems

W, H, GAP_X, GAP_Y, PAD = 150, 44, 24, 56, 16
FILL = {"success": "#eaf6ee", "partial": "#fff4dc", "failure": "#fdecee", None: "#ffffff"}
LINE, BAD, INK, MUTED, REF = "#8f8580", "#b00020", "#1d1b1a", "#5c5552", "#1e6b34"


@dataclass
class _Box:
    key: str
    x: float
    y: float
    row: int
    ghost: bool = False


Boxes = dict[tuple[bool, str], _Box]  # (is a missing goto target, key) -> box


def _rows(s: Scenario) -> dict[str, int]:
    """Longest-path layers from start, ignoring edges that close a cycle, so every other
    edge points down; unreachable nodes go on a row of their own below."""
    order = topological_order(s)
    rank = {key: i for i, key in enumerate(order)}
    succ = successors(s)
    depth = dict.fromkeys(order, 0)
    for key in order:
        for target in succ[key]:
            if rank[target] > rank[key]:
                depth[target] = max(depth[target], depth[key] + 1)
    last = max(depth.values(), default=-1) + 1
    return {key: depth.get(key, last) for key in s.nodes}


def _placed(s: Scenario) -> dict[int, list[tuple[bool, str]]]:
    """Row -> its boxes; missing goto targets sit a row below the first node naming them."""
    rows = _rows(s)
    by_row: dict[int, list[tuple[bool, str]]] = {}
    for key, row in rows.items():
        by_row.setdefault(row, []).append((False, key))
    ghosts: set[str] = set()
    for key, node in s.nodes.items():
        for c in node.choices:
            if c.goto not in s.nodes and c.goto not in ghosts:
                ghosts.add(c.goto)
                by_row.setdefault(rows[key] + 1, []).append((True, c.goto))
    return by_row


def layout(s: Scenario, positions: dict[str, tuple[int, int]] | None = None) -> Boxes:
    """A box per node and per missing target; rows centred, each row ordered by where its
    parents are (fewer crossings). A node in ``positions`` (dragged by its author) sits
    at that top-left corner instead."""
    by_row = _placed(s)
    parents: dict[tuple[bool, str], list[str]] = {}
    for key, node in s.nodes.items():
        for c in node.choices:
            parents.setdefault((c.goto not in s.nodes, c.goto), []).append(key)
    widest = max((len(v) for v in by_row.values()), default=1)
    boxes: Boxes = {}
    for row in sorted(by_row):
        items = sorted(by_row[row], key=lambda item: _centre(parents.get(item, []), boxes))
        offset = (widest - len(items)) * (W + GAP_X) / 2
        for i, (ghost, key) in enumerate(items):
            x, y = PAD + offset + i * (W + GAP_X), PAD + row * (H + GAP_Y)
            if not ghost and key in (positions or {}):
                x, y = positions[key]
            boxes[(ghost, key)] = _Box(key, x, y, row, ghost)
    return boxes


def _centre(parent_keys: list[str], boxes: Boxes) -> float:
    xs = [boxes[(False, k)].x for k in parent_keys if (False, k) in boxes]
    return sum(xs) / len(xs) if xs else float("inf")


@dataclass(frozen=True)
class _Path:
    """The reference path to mark: its choices as (node key, choice key), its node keys
    and the (translated) note added to their tooltips."""

    edges: frozenset[tuple[str, str]]
    nodes: frozenset[str]
    note: str


def _path(s: Scenario, choices: list[Choice], note: str) -> _Path:
    node, edges, nodes = s.start, set(), {s.start} if choices else set()
    for c in choices:
        edges.add((node, c.key))
        node = c.goto
        nodes.add(node)
    return _Path(frozenset(edges), frozenset(nodes), note)


def graph_svg(s: Scenario, title: str, reference: list[Choice] | None = None,
              reference_note: str = "", *, labels: dict[str, str] | None = None,
              kind_names: dict[str, str] | None = None,
              highlight: set[str] | None = None,
              positions: dict[str, tuple[int, int]] | None = None,
              editable: bool = False) -> str:
    """The whole graph as one <svg> element; `reference` (the reference path's choices
    from start) is highlighted, its tooltips ending in `reference_note`. ``labels`` names
    nodes (e.g. by their shortened text) instead of their keys, ``kind_names`` words the
    problem kinds and endings (e.g. in Chinese), ``highlight`` marks more problem nodes,
    ``positions`` places dragged nodes; ``editable`` adds what the editor's script needs:
    each node's and edge's keys as data attributes and a handle at each arrow's end."""
    boxes = layout(s, positions)
    ref = _path(s, reference or [], reference_note)
    problems = graph_problems(s)
    for key in highlight or ():
        if key in s.nodes and key not in problems:
            problems[key] = ["problem"]
    words = _Words(labels or {}, kind_names or {})
    width = max((b.x for b in boxes.values()), default=0) + W + PAD
    height = max((b.y for b in boxes.values()), default=0) + H + PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 {width:g} '
        f'{height:g}" width="{width:g}" height="{height:g}" role="img" '
        f'aria-label="{escape(title)}"'
        + (f' data-box="{W} {H} {GAP_X}"' if editable else "")
        + f'><title>{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
        f'fill="{LINE}"/></marker><marker id="arrow-bad" viewBox="0 0 10 10" refX="10" '
        f'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0 0L10 5L0 10z" fill="{BAD}"/></marker><marker id="arrow-ref" '
        f'viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" markerHeight="5" '
        f'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{REF}"/></marker></defs>',
    ]
    parts += _edges(s, boxes, ref, editable)
    parts += [_box(s, b, ["missing"] if b.ghost else problems.get(b.key, []), ref, words,
                   editable) for b in boxes.values()]
    if editable:
        parts += _ends(s, boxes)
    parts.append("</svg>")
    return "".join(parts)


def _edges(s: Scenario, boxes: Boxes, ref: _Path, editable: bool = False) -> list[str]:
    cycle_of = {key: i for i, group in enumerate(cyclic_components(successors(s)))
                for key in group}
    out = []
    for key, node in s.nodes.items():
        src = boxes[(False, key)]
        for c in node.choices:
            dst = boxes[(c.goto not in s.nodes, c.goto)]
            on_cycle = key in cycle_of and cycle_of[key] == cycle_of.get(c.goto)
            up = dst.y < src.y + H  # not below its source: drawn round the side
            tip = f"{key} → {c.goto}: {c.key}"
            on_ref = (key, c.key) in ref.edges
            if on_ref and ref.note:
                tip += f" ({ref.note})"
            keys = (f' data-from="{escape(key)}" data-choice="{escape(c.key)}" '
                    f'data-to="{escape(c.goto)}"') if editable else ""
            out.append(_edge(src, dst, on_cycle or dst.ghost, tip, up, on_ref, keys))
    return out


def _ends(s: Scenario, boxes: Boxes) -> list[str]:
    """A round handle at each arrow's end (drawn over the boxes) that the editor's script
    lets the author drag onto another node; its title names the choice."""
    out = []
    for key, node in s.nodes.items():
        src = boxes[(False, key)]
        for c in node.choices:
            dst = boxes[(c.goto not in s.nodes, c.goto)]
            back = dst.y < src.y + H
            x, y = (dst.x + W, dst.y + H / 2) if back else (dst.x + W / 2, dst.y)
            out.append(f'<circle class="edge-end" cx="{x:g}" cy="{y:g}" r="12" '
                       f'fill="#ffffff" fill-opacity="0.01" stroke="{MUTED}" '
                       f'stroke-width="1" data-from="{escape(key)}" '
                       f'data-choice="{escape(c.key)}"><title>{escape(c.label or c.key)}'
                       f'</title></circle>')
    return out


def _edge(src: _Box, dst: _Box, bad: bool, tip: str, back: bool, on_ref: bool = False,
          keys: str = "") -> str:
    colour, marker = (BAD, "arrow-bad") if bad else (LINE, "arrow")
    if on_ref and not bad:
        colour, marker = REF, "arrow-ref"
    stroke = 3 if on_ref else 1.5
    x1, y1 = src.x + W / 2, src.y + H
    if back:  # goes up or sideways: leave and enter on the right-hand side
        x1, y1 = src.x + W, src.y + H / 2
        x2, y2 = dst.x + W, dst.y + H / 2
        bend = max(x1, x2) + GAP_X + 12
        d = f"M{x1:g} {y1:g}C{bend:g} {y1:g} {bend:g} {y2:g} {x2:g} {y2:g}"
    else:
        x2, y2 = dst.x + W / 2, dst.y
        d = f"M{x1:g} {y1:g}L{x2:g} {y2:g}"
    dash = ' stroke-dasharray="5 3"' if bad else ""
    kind = ' class="reference"' if on_ref else ""
    return (f'<path{kind}{keys} d="{d}" fill="none" stroke="{colour}" stroke-width="{stroke:g}"'
            f'{dash} marker-end="url(#{marker})"><title>{escape(tip)}</title></path>')


@dataclass(frozen=True)
class _Words:
    labels: dict[str, str]
    kinds: dict[str, str]


def _box(s: Scenario, b: _Box, kinds: list[str], ref: _Path, words: _Words,
         editable: bool = False) -> str:
    node = None if b.ghost else s.nodes[b.key]
    ending = node.ending if node is not None else None
    fill = FILL.get(ending, "#ffffff") if node is not None else "#fdecee"
    stroke, width, dash = (BAD, 2.5, ' stroke-dasharray="6 3"') if kinds else (LINE, 1, "")
    on_ref = not b.ghost and b.key in ref.nodes
    if on_ref and not kinds:
        stroke, width = REF, 2.5
    if b.key == s.start and not b.ghost:
        width = max(width, 2.5)
    name = ("? " if b.ghost else "") + (words.labels.get(b.key) or b.key)
    sub = words.kinds.get(ending, ending) if ending else (
        f"{len(node.choices)} ▸" if node is not None else "")
    tip = f"{name}" + (f" ({', '.join(words.kinds.get(k, k) for k in kinds)})" if kinds else "")
    if on_ref and ref.note:
        tip += f" ({ref.note})"
    kind = "node reference" if on_ref else "node"
    keys = ""
    if editable:
        keys = (f' data-{"ghost" if b.ghost else "key"}="{escape(b.key)}" '
                f'data-x="{b.x:g}" data-y="{b.y:g}"')
    return (
        f'<g class="{kind}"{keys}><title>{escape(tip)}</title>'
        f'<rect x="{b.x:g}" y="{b.y:g}" width="{W}" height="{H}" rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{width}"{dash}/>'
        f'<text x="{b.x + 8:g}" y="{b.y + 18:g}" font-size="13" fill="{INK}">'
        f"{escape(_clip(name))}</text>"
        f'<text x="{b.x + 8:g}" y="{b.y + 37:g}" font-size="12" '
        f'fill="{BAD if kinds else MUTED}">'
        f"{escape(_clip(_note(sub, kinds, words.kinds), 22))}</text></g>"
    )


def _note(sub: str, kinds: list[str], names: dict[str, str]) -> str:
    if not kinds:
        return sub
    return "! " + ", ".join(names.get(k, k.replace("_", " ")) for k in kinds)


def _clip(text: str, limit: int = 20) -> str:
    """Fit a box: a CJK character counts as two."""
    used, out = 0, []
    for ch in text:
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > limit:
            return "".join(out) + "…"
        out.append(ch)
    return text
