"""Policy registries: named tables that one domain owns and others register into.

A domain that must ask the others a question ("may this attempt be reviewed yet?",
"which sections make up a worker's record?") owns a ``Registry``; another domain
registers its answer from its ``wiring.init_app``, which only the application factory
calls. Nothing registers at import time (a test imports every module and checks).
Every registry, with its owner and who registers, is listed in ``trainer/domains.py``.
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Keys to policies (callables or small objects), in registration order."""

    every: list["Registry"] = []  # all registries, for the import-time test

    def __init__(self, name: str, doc: str) -> None:
        self.name, self.doc = name, doc
        self._items: dict[str, T] = {}
        Registry.every.append(self)

    def register(self, key: str, item: T) -> T:
        """Add or replace ``key`` (idempotent: several apps in one process register alike)."""
        self._items[key] = item
        return item

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._items)}>"
