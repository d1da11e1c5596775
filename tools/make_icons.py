"""Draw the installable web app's PNG icons (the favicon's grid mark) without Pillow.

Run from the repository root: ``python tools/make_icons.py`` writes
trainer/static/icons/icon-192.png, icon-512.png and maskable-512.png (committed).
"""

import struct
import zlib
from pathlib import Path

RED, WHITE = (0xA8, 0x23, 0x1A), (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parents[1] / "trainer" / "static" / "icons"


def draw(size: int, safe: float) -> list[bytes]:
    """Rows of RGB pixels: a red field, a white square grid of 2×2 cells in the middle
    ``safe`` fraction (maskable icons keep it inside the 80 % safe zone)."""
    inner = size * safe
    lo, hi = (size - inner) / 2 + inner * 0.2, (size + inner) / 2 - inner * 0.2
    mid, half = size / 2, max(2.0, inner * 0.05)
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type 0
        for x in range(size):
            inside = lo - half <= x <= hi + half and lo - half <= y <= hi + half
            line = inside and (abs(x - lo) <= half or abs(x - hi) <= half
                               or abs(y - lo) <= half or abs(y - hi) <= half
                               or abs(x - mid) <= half or abs(y - mid) <= half)
            row += bytes(WHITE if line else RED)
        rows.append(bytes(row))
    return rows


def png(rows: list[bytes], size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, safe in (("icon-192.png", 192, 1.0), ("icon-512.png", 512, 1.0),
                             ("maskable-512.png", 512, 0.7)):
        (OUT / name).write_bytes(png(draw(size, safe), size))


if __name__ == "__main__":
    main()
