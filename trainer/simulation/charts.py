"""The competency chart of a debrief as inline SVG (no client-side chart library).

Pure: labels come in already translated. Colours are SVG presentation attributes, not
``style`` attributes, so the strict Content-Security-Policy allows them. Every piece of
text is escaped here; the result is safe to output as markup.
"""

from html import escape

# 15-unit text in a 360-unit viewBox: 12 px or more in a card on a 360-px phone
ROW, LABEL_W, BAR_W, WIDTH, FONT = 30, 118, 180, 360, 15
TRACK, BAR, TEXT = "#eee6e1", "#1e6b34", "#1d1b1a"


def competency_chart(scores: dict[str, float], labels: dict[str, str], title: str) -> str:
    """Horizontal bars, one per competency, of the percent reached (0-100)."""
    height = ROW * max(len(scores), 1) + 8
    summary = "; ".join(f"{labels.get(k, k)} {_pct(v)}" for k, v in scores.items())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" role="img" aria-label="{escape(title)}: {escape(summary)}">',
        f"<title>{escape(title)}: {escape(summary)}</title>",
    ]
    for i, (key, value) in enumerate(scores.items()):
        parts.append(_row(i * ROW + 4, labels.get(key, key), value))
    parts.append("</svg>")
    return "".join(parts)


def _row(y: int, label: str, value: float) -> str:
    width = round(BAR_W * max(0.0, min(value, 100.0)) / 100, 1)
    mid = y + ROW / 2
    return (
        f'<text x="0" y="{mid + 5}" font-size="{FONT}" fill="{TEXT}">{escape(_clip(label))}</text>'
        f'<rect x="{LABEL_W}" y="{y + 6}" width="{BAR_W}" height="{ROW - 12}" rx="4"'
        f' fill="{TRACK}"/>'
        f'<rect x="{LABEL_W}" y="{y + 6}" width="{width}" height="{ROW - 12}" rx="4"'
        f' fill="{BAR}"/>'
        f'<text x="{LABEL_W + BAR_W + 6}" y="{mid + 5}" font-size="{FONT}" fill="{TEXT}">'
        f"{escape(_pct(value))}</text>"
    )


def _pct(value: float) -> str:
    return f"{value:g}%"


def _clip(label: str, limit: int = 14) -> str:
    """Keep a label within the label column (a CJK character counts as two)."""
    used, out = 0, []
    for ch in label:
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > limit:
            return "".join(out) + "…"
        out.append(ch)
    return label
