"""QR codes as inline SVG, made on the server (segno): no script, no external service.
segno writes only presentation attributes (no style=), so the strict CSP holds. The one
place the site makes a QR code (sign-in screens, certificates)."""

import segno


def qr_svg(content: str, **svg) -> str:
    """An SVG element encoding ``content`` (error correction M, a quiet zone of two
    modules); ``svg`` are segno's svg_inline options (scale, size, classes, title,
    colours). Unscaled and without a size by default: CSS sizes it."""
    options = {"scale": 1, "border": 2, "omitsize": True, **svg}
    return segno.make(content, error="m").svg_inline(**options)
