"""The sections of a worker's training record, registered by the domains that hold them.

A section is a function ``(user, year) -> list[dict]`` registered under its key from a
domain's ``wiring.init_app``. Every item carries at least ``title`` and a ``date`` (ISO
8601, local time), and ``hours`` when it credits training hours; the record's total is the
sum of those hours. Who registers which key: ``trainer/domains.py``.

``bulk`` holds the same sections for many workers at once: ``(who, year) -> {user_id:
items}`` where ``who`` is a list of user ids or a select of them, answered in a fixed
number of statements however many workers (dashboards and exports of a district read
every section this way). A domain registers the one-worker section as its bulk function
for one id, so both always agree; a section with no bulk function is read worker by
worker.

``assessment_inputs`` holds figures the annual rating needs from other domains, each
``(who, year) -> {user_id: {...}}`` in one statement: "assignments" answers ``{"done": n,
"total": m}`` per worker (a worker absent from the answer, or every worker while no domain
registers it, has no assignments: counted as 100 % done).
"""

from collections.abc import Callable

from trainer.registry import Registry

Section = Callable[[object, int], list[dict]]
BulkSection = Callable[[object, int], dict[int, list[dict]]]
Inputs = Callable[[object, int], dict[int, dict]]

sections: Registry[Section] = Registry(
    "records.sections", "record key -> (user, year) -> items of that section")
bulk: Registry[BulkSection] = Registry(
    "records.sections.bulk", "record key -> (user ids or select, year) -> {user id: items}")
assessment_inputs: Registry[Inputs] = Registry(
    "records.assessment_inputs",
    "figure key -> (user ids or select, year) -> {user id: figures} for the annual rating")
