"""QR codes as inline SVG, made on the server (segno): no script, no external service.
segno writes only presentation attributes (no style=), so the strict CSP holds. The one
place the site makes a QR code (sign-in screens, certificates)."""

import segno

QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004)


def qr_svg(content: str, **svg) -> str:
    """An SVG element encoding ``content`` (error correction M, the standard quiet zone of
    four modules: ISO/IEC 18004 asks for it, and phone scanners miss codes with less);
    ``svg`` are segno's svg_inline options (scale, size, classes, title,
    colours). Unscaled and without a size by default: CSS sizes it."""
    options = {"scale": 1, "border": QUIET_ZONE, "omitsize": True, **svg}
    return segno.make(content, error="m").svg_inline(**options)
