"""Item analysis of a quiz round and the score-distribution chart. Pure (no Flask, no DB).

Per question: how many answered it, the percent correct (mean credit), and the
discrimination index D = p(upper group) − p(lower group), the groups being the best and
the worst 27% of attempts by their percent (Kelley's classic split). D near 0 or below
means the question does not separate strong from weak entrants.
"""

from dataclasses import dataclass
from html import escape

GROUP_SHARE = 0.27


@dataclass(frozen=True)
class ItemStat:
    question_id: int
    answered: int
    percent_correct: float
    discrimination: float | None


def item_analysis(attempt_percent: dict[int, float],
                  credits: dict[int, dict[int, float]]) -> list[ItemStat]:
    """``attempt_percent``: attempt id -> its percent; ``credits``: question id -> {attempt
    id -> credit 0..1} (a question an attempt was given but left blank counts 0)."""
    ranked = sorted(attempt_percent, key=lambda a: (attempt_percent[a], a))
    size = max(1, round(len(ranked) * GROUP_SHARE)) if len(ranked) >= 2 else 0
    lower, upper = set(ranked[:size]), set(ranked[-size:]) if size else set()
    stats = []
    for question_id, by_attempt in credits.items():
        values = list(by_attempt.values())
        p = 100 * sum(values) / len(values) if values else 0.0
        disc = None
        up = [c for a, c in by_attempt.items() if a in upper]
        low = [c for a, c in by_attempt.items() if a in lower]
        if up and low:
            disc = round(sum(up) / len(up) - sum(low) / len(low), 2)
        stats.append(ItemStat(question_id, len(values), round(p, 1), disc))
    return sorted(stats, key=lambda s: s.question_id)


def most_missed(stats: list[ItemStat], count: int = 5) -> list[ItemStat]:
    answered = [s for s in stats if s.answered]
    return sorted(answered, key=lambda s: (s.percent_correct, s.question_id))[:count]


def histogram(totals: list[float], bins: int = 10) -> list[int]:
    """Counts of totals (0–100) in ``bins`` equal bins; 100 falls in the last one."""
    counts = [0] * bins
    for total in totals:
        index = min(bins - 1, max(0, int(float(total) * bins // 100)))
        counts[index] += 1
    return counts


def histogram_svg(counts: list[int], title: str, x_label: str, y_label: str) -> str:
    """A bar chart as inline SVG: classes only (the CSP forbids inline styles), text for
    screen readers in <title> and <desc>. The viewBox is about a phone's width, so its
    text (14 units, competitions.css) is not scaled below 12 CSS px on a phone."""
    width, height, pad, base = 340, 230, 24, 180
    bins = len(counts) or 1
    top = max(counts) if counts and max(counts) else 1
    bar = (width - 2 * pad) / bins
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">{escape(title)}</title>',
             f'<desc id="chart-desc">{escape(_describe(counts))}</desc>',
             f'<line class="axis" x1="{pad}" y1="{base}" x2="{width - pad}" y2="{base}"/>']
    for i, count in enumerate(counts):
        h = round((base - 20) * count / top, 1)
        x = round(pad + i * bar + 2, 1)
        parts.append(f'<rect class="bar" x="{x}" y="{base - h}" width="{round(bar - 4, 1)}" '
                     f'height="{h}"/>')
        if count:
            parts.append(f'<text class="count" x="{round(x + bar / 2 - 2, 1)}" '
                         f'y="{base - h - 4}" text-anchor="middle">{count}</text>')
        parts.append(f'<text class="tick" x="{round(x + bar / 2 - 2, 1)}" y="{base + 16}" '
                     f'text-anchor="middle">{i * 100 // bins}</text>')
    parts.append(f'<text class="label" x="{width / 2}" y="{height - 6}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text class="label" x="12" y="14">{escape(y_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _describe(counts: list[int]) -> str:
    bins = len(counts) or 1
    return "; ".join(f"{i * 100 // bins}–{(i + 1) * 100 // bins}: {c}"
                     for i, c in enumerate(counts))
