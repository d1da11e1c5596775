"""Names made unique by numbering: ``base``, else ``base-2``, ``base-3`` ... (course and
scenario slugs from a title's pinyin, unit codes from a name's initials)."""

from collections.abc import Callable


def first_free(base: str, taken: Callable[[str], object]) -> str:
    """``base`` when ``taken(base)`` is falsy, else the first free ``base-N`` (N ≥ 2)."""
    name, n = base, 1
    while taken(name):
        n += 1
        name = f"{base}-{n}"
    return name
