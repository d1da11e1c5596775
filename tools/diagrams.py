"""Redraw the lesson diagrams under courses/*/images/ (PNG, Chinese labels, < 30 KB).

A maintainer's tool, not part of the site: Pillow is no dependency of the project.
Every label is taken from the lesson the diagram sits in; change the lesson, then the
words here, then run (with a CJK font: `apt-get install fonts-wqy-zenhei`):

    python3 -m venv /tmp/draw && /tmp/draw/bin/pip install pillow
    /tmp/draw/bin/python tools/diagrams.py courses

and look at each PNG at phone width before committing it. `flask content check` refuses
an image over 30 KB.
"""

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FG, MUTED, BRAND, LINE, BG, CARD, OK = (
    "#1d1b1a", "#5c5552", "#a8231a", "#c9b8ad", "#faf8f6", "#ffffff", "#1e6b34")
W = 720


def font(size):
    return ImageFont.truetype(FONT, size)


def text_w(draw, text, f):
    return draw.textlength(text, font=f)


def centred(draw, cx, y, text, f, fill=FG):
    draw.text((cx - text_w(draw, text, f) / 2, y), text, font=f, fill=fill)


def wrap(draw, text, f, width):
    lines, line = [], ""
    for ch in text:
        if text_w(draw, line + ch, f) > width and line:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    # keep closing punctuation off the start of a line
    for i in range(1, len(lines)):
        while lines[i] and lines[i][0] in "，。、；：）”":
            lines[i - 1] += lines[i][0]
            lines[i] = lines[i][1:]
    return [x for x in lines if x]


def arrow_down(draw, cx, y0, y1, fill=BRAND, width=6):
    draw.line([(cx, y0), (cx, y1 - 14)], fill=fill, width=width)
    draw.polygon([(cx - 14, y1 - 18), (cx + 14, y1 - 18), (cx, y1)], fill=fill)


def arrow_up(draw, cx, y0, y1, fill=OK, width=6):
    """From y0 (bottom) up to y1 (top)."""
    draw.line([(cx, y0), (cx, y1 + 14)], fill=fill, width=width)
    draw.polygon([(cx - 14, y1 + 18), (cx + 14, y1 + 18), (cx, y1)], fill=fill)


def _rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _palette():
    """The drawing's own colours and a few blends between them (for smooth text edges):
    exact colours, and a small file."""
    base = [BG, CARD, FG, MUTED, BRAND, LINE, OK, "#fdecee", "#efb0b8"]
    pairs = [(FG, CARD), (FG, BG), (BRAND, CARD), (BRAND, BG), (CARD, BRAND), (OK, BG),
             (MUTED, CARD), (BRAND, "#fdecee")]
    colours = [_rgb(c) for c in base]
    for a, b in pairs:
        for t in (0.3, 0.65):
            mixed = zip(_rgb(a), _rgb(b), strict=True)
            colours.append(tuple(round(x + (y - x) * t) for x, y in mixed))
    flat = [v for c in colours for v in c]
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat + flat[:3] * (256 - len(colours)))
    return pal


def save(img, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    small = img.convert("RGB").quantize(palette=_palette(), dither=Image.Dither.NONE)
    buf = io.BytesIO()
    small.save(buf, "PNG", optimize=True)
    path.write_bytes(buf.getvalue())
    print(path, img.size, len(buf.getvalue()), "bytes")


def extinguisher(out: Path):
    """courses/fire-corridor-safety/04: 灭火器使用口诀“提、拔、握、压”."""
    steps = [("提", "提起灭火器"), ("拔", "拔下保险销"),
             ("握", "握住喷管，对准火焰根部"), ("压", "压下压把")]
    title = "灭火器使用口诀：提、拔、握、压"
    notes = ["发现火情，立即拨打火警119", "只扑救初起小火，火势扩大立即撤离"]
    box_h, gap, top = 104, 34, 92
    h = top + len(steps) * box_h + (len(steps) - 1) * gap + 140
    img = Image.new("RGB", (W, h), BG)
    d = ImageDraw.Draw(img)
    centred(d, W / 2, 26, title, font(36))
    y = top
    for i, (word, text) in enumerate(steps, start=1):
        d.rounded_rectangle([30, y, W - 30, y + box_h], radius=16, fill=CARD, outline=LINE,
                            width=3)
        d.ellipse([50, y + 14, 126, y + 90], fill=BRAND)
        centred(d, 88, y + 24, word, font(44), fill="#ffffff")
        d.text((150, y + 16), f"第{i}步", font=font(26), fill=MUTED)
        d.text((150, y + 50), text, font=font(34), fill=FG)
        if i < len(steps):
            arrow_down(d, 88, y + box_h + 2, y + box_h + gap - 2)
        y += box_h + gap
    nf, ny = font(30), y - gap + 30
    d.rounded_rectangle([30, ny, W - 30, ny + 100], radius=12, fill="#fdecee",
                        outline="#efb0b8", width=2)
    for i, line in enumerate(notes):
        centred(d, W / 2, ny + 12 + i * 42, line, nf, fill=BRAND)
    save(img, out / "fire-corridor-safety/images/extinguisher-steps.png")


def five_levels(out: Path):
    """courses/grid-mechanism/01: 街道、社区、网格、小网格、微网格五级联动."""
    levels = [("街道", "统筹协调，处理社区解决不了的问题"),
              ("社区", "管理网格员，分派和督办上报事项"),
              ("网格", "网格员负责的基本单元"),
              ("小网格", "网格内进一步细分的单元"),
              ("微网格", "最小的单元，离居民最近")]
    title = "五级联动"
    box_h, gap, top, side = 96, 20, 84, 100
    h = top + len(levels) * box_h + (len(levels) - 1) * gap + 30
    img = Image.new("RGB", (W, h), BG)
    d = ImageDraw.Draw(img)
    centred(d, W / 2, 22, title, font(38))
    y = top
    for name, role in levels:
        d.rounded_rectangle([side, y, W - side, y + box_h], radius=14, fill=CARD,
                            outline=LINE, width=3)
        d.text((side + 18, y + 28), name, font=font(34), fill=BRAND)
        rf = font(27)
        lines = wrap(d, role, rf, W - 2 * side - 140 - 16)
        ly = y + box_h / 2 - len(lines) * 36 / 2 + 2
        for line in lines:
            d.text((side + 140, ly), line, font=rf, fill=FG)
            ly += 36
        y += box_h + gap
    bottom = y - gap
    # left: reports go up; right: tasks go down
    arrow_up(d, 56, bottom, top, fill=OK)
    arrow_down(d, W - 56, top, bottom, fill=BRAND)
    vf = font(30)
    for cx, label, fill in ((56, "向上报", OK), (W - 56, "向下落", BRAND)):
        ty = top + (bottom - top) / 2 - len(label) * 40 / 2
        d.rectangle([cx - 22, ty - 6, cx + 22, ty + len(label) * 40 + 2], fill=BG)
        for ch in label:
            centred(d, cx, ty, ch, vf, fill=fill)
            ty += 40
    save(img, out / "grid-mechanism/images/five-levels.png")


def whistle(out: Path):
    """courses/grid-mechanism/03: 网格吹哨、镇街报到，镇街吹哨、部门报到."""
    actors = ["网格员", "街道（镇）", "相关职能部门"]
    steps = [("① 网格吹哨", "网格内解决不了的问题，通过社区向街道（镇）规范上报、请求支援"),
             ("② 镇街报到", "街道（镇）接到哨声后响应，牵头研究、协调处置"),
             ("③ 镇街吹哨", "需要职能部门处置的，由街道向相关部门吹哨"),
             ("④ 部门报到", "相关部门按职责到场处置，并反馈结果")]
    title = "网格吹哨、镇街报到，镇街吹哨、部门报到"
    img = Image.new("RGB", (W, 1200), BG)
    d = ImageDraw.Draw(img)
    centred(d, W / 2, 22, title, font(32))
    y = 86
    af, sf, tf = font(34), font(30), font(27)

    def actor(name, y):
        d.rounded_rectangle([190, y, W - 190, y + 70], radius=35, fill=BRAND)
        centred(d, W / 2, y + 15, name, af, fill="#ffffff")
        return y + 70

    def card(label, text, y, arrow=True, rail=False):
        """A step's card; an arrow down on its left leads on to the next actor."""
        lines = wrap(d, text, tf, W - 100 - 30 - 40)
        box_h = 58 + len(lines) * 38 + 12
        if arrow:
            arrow_down(d, 68, y + 6, y + box_h + 28)
        elif rail:
            d.line([(68, y), (68, y + box_h + 34)], fill=LINE, width=6)
        d.rounded_rectangle([100, y + 14, W - 30, y + 14 + box_h], radius=12, fill=CARD,
                            outline=LINE, width=2)
        d.text((120, y + 26), label, font=sf, fill=BRAND)
        ty = y + 72
        for line in lines:
            d.text((120, ty), line, font=tf, fill=FG)
            ty += 38
        return y + 14 + box_h + 20

    y = actor(actors[0], y)
    y = card(*steps[0], y)
    y = actor(actors[1], y)
    y = card(*steps[1], y, arrow=False, rail=True)  # the street answers: no hand-over
    y = card(*steps[2], y)
    y = actor(actors[2], y)
    y = card(*steps[3], y, arrow=False) + 4
    img = img.crop((0, 0, W, int(y)))
    save(img, out / "grid-mechanism/images/whistle-flow.png")


if __name__ == "__main__":
    root = Path(sys.argv[1])
    extinguisher(root)
    five_levels(root)
    whistle(root)
