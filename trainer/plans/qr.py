"""QR codes as inline SVG, made on the server (segno): no script, no external service."""

import segno


def qr_svg(content: str, title: str) -> str:
    """An SVG element (no size, no inline styles) encoding ``content``; CSS sizes it."""
    return segno.make(content, error="m").svg_inline(
        scale=1, border=2, omitsize=True, title=title, dark="#000", light="#fff")
