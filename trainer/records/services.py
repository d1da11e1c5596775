"""A worker's training record for a year, assembled from sections the domains contribute.

A section is a small function ``(user, year) -> list[dict]`` registered under a key with
``@section("key")``. Every item carries at least ``title`` and a ``date`` (ISO 8601), and
``hours`` when it credits training hours; the record's total is the sum of those hours.
Domains put their section functions in ``trainer/<domain>/record.py`` (found by
convention, like ``api.py``). A domain may instead define there
``record_section(user_id, year) -> {key: [items]}`` to fill several keys at once.
Keys no domain fills yet answer an empty list.
"""

from collections.abc import Callable
from functools import cache

from trainer.domains import feature_modules

Section = Callable[[object, int], list[dict]]
Provider = Callable[[int, int], dict[str, list[dict]]]
# Display order; attempts, runs, competitions and honours come from their domains.
KEYS = ("sessions", "courses", "attempts", "runs", "competitions", "honours")
_SECTIONS: dict[str, Section] = {}
_PROVIDERS: list[Provider] = []


def section(key: str) -> Callable[[Section], Section]:
    """Register ``fn`` as the record section ``key`` (one function per key)."""

    def register(fn: Section) -> Section:
        _SECTIONS[key] = fn
        return fn

    return register


@cache
def _load_contributions() -> None:
    for module in feature_modules("record"):  # importing registers @section functions
        provider = getattr(module, "record_section", None)
        if callable(provider):
            _PROVIDERS.append(provider)


def sections() -> dict[str, Section]:
    """Every registered section, loading each domain's ``record.py`` once."""
    _load_contributions()
    return dict(_SECTIONS)


def _gather(user, year: int) -> dict[str, list[dict]]:
    found = {key: fn(user, year) for key, fn in sections().items()}
    for provider in _PROVIDERS:
        for key, items in provider(user.id, year).items():
            found[key] = [*found.get(key, []), *items]
    return found


def build_record(user, year: int) -> dict:
    """The record of ``user`` for ``year``: each section, hours per section and in total."""
    found = _gather(user, year)
    record: dict = {"year": year, "username": user.username, "name": user.name}
    hours: dict[str, float] = {}
    for key in [*KEYS, *(k for k in found if k not in KEYS)]:
        record[key] = found.get(key, [])
        credited = sum(float(item.get("hours") or 0) for item in record[key])
        if credited:
            hours[key] = round(credited, 2)
    record["hours"] = hours
    record["total_hours"] = round(sum(hours.values()), 2)
    return record
