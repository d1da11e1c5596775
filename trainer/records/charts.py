"""Dashboard charts as inline SVG, rendered on the server (no client-side library).

Pure: labels come in already translated; every text is escaped here. Colours are SVG
presentation attributes, which the strict Content-Security-Policy allows. Each chart is
a picture of a table printed beside it (the table is what screen readers read: the SVG
carries a short summary as its accessible name)."""

from html import escape

from markupsafe import Markup

# Drawn in a viewBox no wider than a phone's card (about 324 CSS px at 390 wide), with
# 15-unit text: it renders at 12 px or more on a 360-px phone, larger on wider screens.
ROW, LABEL_W, BAR_W, WIDTH, FONT = 30, 118, 180, 360, 15
TRACK, BAR, TARGET, TEXT = "#eee6e1", "#1e6b34", "#b3261e", "#1d1b1a"


def bar_chart(items: list[tuple[str, float | None]], title: str, *, maximum: float | None = None,
              target: float | None = None, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value); a vertical line marks ``target``."""
    values = [v or 0.0 for _label, v in items]
    top = maximum or max([*values, target or 0.0, 1.0])
    height = ROW * max(len(items), 1) + 8
    summary = "；".join(f"{label} {_num(v)}{unit}" for label, v in items[:20])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}：{escape(summary)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = i * ROW + 4
        width = round(BAR_W * max(0.0, min(value or 0.0, top)) / top, 1)
        mid = y + ROW / 2
        parts.append(
            f'<text x="0" y="{mid + 5}" font-size="{FONT}" fill="{TEXT}">'
            f"{escape(_clip(label))}</text>"
            f'<rect x="{LABEL_W}" y="{y + 6}" width="{BAR_W}" height="{ROW - 12}" rx="3"'
            f' fill="{TRACK}"/>'
            f'<rect x="{LABEL_W}" y="{y + 6}" width="{width}" height="{ROW - 12}" rx="3"'
            f' fill="{BAR}"/>'
            f'<text x="{LABEL_W + BAR_W + 6}" y="{mid + 5}" font-size="{FONT}" fill="{TEXT}">'
            f"{escape(_num(value))}{escape(unit) if value is not None else ''}</text>")
    if target is not None and top:
        x = LABEL_W + round(BAR_W * min(target, top) / top, 1)
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="{TARGET}"'
                     f' stroke-width="2" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _clip(label: str, limit: int = 14) -> str:
    """Keep a label within the label column (a CJK character counts as two)."""
    used, out = 0, []
    for ch in label:
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > limit:
            return "".join(out) + "…"
        out.append(ch)
    return label
