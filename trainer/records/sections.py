"""The sections of a worker's training record, registered by the domains that hold them.

A section is a function ``(user, year) -> list[dict]`` registered under its key from a
domain's ``wiring.init_app``. Every item carries at least ``title`` and a ``date`` (ISO
8601, local time), and ``hours`` when it credits training hours; the record's total is the
sum of those hours. Who registers which key: ``trainer/domains.py``.
"""

from collections.abc import Callable

from trainer.registry import Registry

Section = Callable[[object, int], list[dict]]

sections: Registry[Section] = Registry(
    "records.sections", "record key -> (user, year) -> items of that section")
