"""Small real images for tests, made here (no image library needed)."""

import struct
import zlib


def png(width: int = 4, height: int = 3, noise: bytes = b"") -> bytes:
    """A valid grey PNG of the given size; ``noise`` (repeated) fills the pixels so that a
    test can make a big file that does not compress."""
    fill = noise or b"\x80"
    rows = b"".join(b"\x00" + (fill * (width // len(fill) + 1))[:width] for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 0 if noise else 9)) + chunk(b"IEND", b""))


def jpeg(width: int = 5, height: int = 7) -> bytes:
    """The head of a baseline JPEG that names its size (enough for sniffing and sizes)."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x01" * 9 + sof \
        + b"\xff\xd9"


def webp(width: int = 6, height: int = 2) -> bytes:
    """The head of a lossless WebP that names its size."""
    bits = (width - 1) | ((height - 1) << 14)
    body = b"VP8L" + struct.pack("<I", 5) + b"\x2f" + bits.to_bytes(4, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
