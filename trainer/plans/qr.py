"""The sign-in screen's QR code (trainer/qr.py makes every QR code of the site)."""

from trainer.qr import qr_svg as _svg


def qr_svg(content: str, title: str) -> str:
    """An SVG element (no size, no inline styles) encoding ``content``; CSS sizes it."""
    return _svg(content, title=title, dark="#000", light="#fff")
